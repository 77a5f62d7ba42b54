// countFromStrace: the process counts of bench/audit.ts's host cost come from strace logs.
import { describe, expect, it } from 'vitest';
import { countFromStrace } from './hostMeter';

describe('countFromStrace', () => {
  it('counts forks that made processes (not threads), unfinished/resumed pairs, and successful execs', () => {
    const log = [
      '100 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD, child_tidptr=0x7f) = 101',
      '101 execve("/bin/sh", ["sh", "-s"], 0x7ffd /* 9 vars */) = 0',
      '101 clone(child_stack=NULL, flags=CLONE_CHILD_CLEARTID|CLONE_CHILD_SETTID|SIGCHLD <unfinished ...>',
      '102 execve("/usr/bin/docker", ["docker", "info"], 0x55 /* 9 vars */ <unfinished ...>',
      '101 <... clone resumed>, child_tidptr=0x7f) = 102',
      '102 <... execve resumed>) = 0',
      '102 clone3({flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_THREAD|CLONE_SYSVSEM|CLONE_SETTLS|CLONE_PARENT_SETTID|CLONE_CHILD_CLEARTID, child_tid=0x7f, parent_tid=0x7f, exit_signal=0, stack=0x7f, stack_size=0x7fff00, tls=0x7f} => {parent_tid=[103]}, 88) = 103',
      '102 clone(child_stack=0xc000, flags=CLONE_VM|CLONE_FS|CLONE_FILES|CLONE_SIGHAND|CLONE_SYSVSEM|CLONE_THREAD, tls=0xc0) = 104',
      '101 vfork() = 105',
      '105 execve("/usr/bin/nope", ["nope"], 0x55 /* 9 vars */) = -1 ENOENT (No such file or directory)',
      '105 execve("/bin/nope", ["nope"], 0x55 /* 9 vars */) = 0',
      '101 clone(child_stack=NULL, flags=SIGCHLD) = -1 EAGAIN (Resource temporarily unavailable)',
      '101 +++ exited with 0 +++',
    ].join('\n');
    const c = countFromStrace(log);
    expect(c.processes).toBe(3); // 101, 102, 105: not the threads 103/104, not the failed clone
    expect(c.execs).toBe(3); // sh, docker, /bin/nope (the ENOENT attempt does not count)
    expect(c.programs).toEqual([
      ['sh', 1],
      ['docker', 1],
      ['nope', 1],
    ]);
  });

  it('an empty log counts nothing', () => {
    expect(countFromStrace('')).toEqual({ processes: 0, execs: 0, programs: [] });
  });
});
