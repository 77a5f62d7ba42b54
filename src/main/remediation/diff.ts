// Unified diff of two texts (the preview of every file edit): Myers' O(ND) shortest edit script
// over lines, hunks with 3 lines of context, GNU diff's hunk headers and its
// "\ No newline at end of file" marker. A line is compared with its terminator, so a last line
// that gains or loses its newline shows as changed, as in `diff -u`. Pure; no I/O.

export const DIFF_CONTEXT_LINES = 3;

interface Line {
  /** The line without its '\n' (a CRLF line keeps its '\r': the diff shows bytes as they are). */
  text: string;
  /** False only for the file's last line when the file does not end with '\n'. */
  newline: boolean;
}

function splitLines(s: string): Line[] {
  if (s === '') return [];
  const parts = s.split('\n');
  const endsWithNewline = parts[parts.length - 1] === '';
  if (endsWithNewline) parts.pop();
  return parts.map((text, i) => ({ text, newline: endsWithNewline || i < parts.length - 1 }));
}

type Op = { kind: ' ' | '-' | '+'; line: Line; oldIndex: number; newIndex: number };

/**
 * Myers' greedy forward search with one V array kept per edit distance, then a backtrack.
 * Common prefix and suffix are trimmed first, so the usual small edit of a large file costs
 * O(N + D²) instead of O(N·D).
 */
function editScript(a: readonly number[], b: readonly number[]): Array<' ' | '-' | '+'> {
  let pre = 0;
  while (pre < a.length && pre < b.length && a[pre] === b[pre]) pre++;
  let suf = 0;
  while (suf < a.length - pre && suf < b.length - pre && a[a.length - 1 - suf] === b[b.length - 1 - suf]) suf++;
  const A = a.slice(pre, a.length - suf);
  const B = b.slice(pre, b.length - suf);
  const n = A.length;
  const m = B.length;
  const middle: Array<' ' | '-' | '+'> = [];
  if (n === 0) for (let j = 0; j < m; j++) middle.push('+');
  else if (m === 0) for (let i = 0; i < n; i++) middle.push('-');
  else {
    const max = n + m;
    const offset = max;
    const v = new Int32Array(2 * max + 2);
    const trace: Int32Array[] = [];
    let done = false;
    for (let d = 0; d <= max && !done; d++) {
      trace.push(v.slice());
      for (let k = -d; k <= d; k += 2) {
        let x = k === -d || (k !== d && v[offset + k - 1]! < v[offset + k + 1]!) ? v[offset + k + 1]! : v[offset + k - 1]! + 1;
        let y = x - k;
        while (x < n && y < m && A[x] === B[y]) {
          x++;
          y++;
        }
        v[offset + k] = x;
        if (x >= n && y >= m) {
          done = true;
          break;
        }
      }
    }
    // Backtrack from (n, m): trace[d] holds V as it was before step d.
    const rev: Array<' ' | '-' | '+'> = [];
    let x = n;
    let y = m;
    for (let d = trace.length - 1; d >= 0; d--) {
      const vd = trace[d]!;
      const k = x - y;
      if (d === 0) {
        while (x > 0 && y > 0) {
          rev.push(' ');
          x--;
          y--;
        }
        break;
      }
      const down = k === -d || (k !== d && vd[offset + k - 1]! < vd[offset + k + 1]!);
      const prevK = down ? k + 1 : k - 1;
      const prevX = vd[offset + prevK]!;
      const prevY = prevX - prevK;
      while (x > prevX && y > prevY) {
        rev.push(' ');
        x--;
        y--;
      }
      rev.push(down ? '+' : '-');
      x = prevX;
      y = prevY;
    }
    middle.push(...rev.reverse());
  }
  return [...Array<' '>(pre).fill(' '), ...middle, ...Array<' '>(suf).fill(' ')];
}

/** `start,count` as GNU diff prints it: count 1 is left out; an empty side names the line before. */
function range(start: number, count: number): string {
  if (count === 0) return `${start},0`;
  if (count === 1) return `${start + 1}`;
  return `${start + 1},${count}`;
}

function headerPath(path: string): string {
  // A name with control characters, quotes or backslashes is shown C-quoted (as git does), so a
  // newline in a remote file name cannot forge diff lines.
  const plain = [...path].every((ch) => ch.charCodeAt(0) >= 0x20 && ch !== '\x7f' && ch !== '"' && ch !== '\\');
  return plain ? path : JSON.stringify(path);
}

/**
 * The unified diff turning `oldText` into `newText`, both labelled `path`; '' when they are equal.
 * Every output line ends with '\n'.
 */
export function unifiedDiff(oldText: string, newText: string, path: string): string {
  if (oldText === newText) return '';
  const oldLines = splitLines(oldText);
  const newLines = splitLines(newText);
  const ids = new Map<string, number>();
  const id = (l: Line): number => {
    const key = `${l.newline ? '1' : '0'}${l.text}`;
    let v = ids.get(key);
    if (v === undefined) {
      v = ids.size;
      ids.set(key, v);
    }
    return v;
  };
  const script = editScript(oldLines.map(id), newLines.map(id));

  const ops: Op[] = [];
  let i = 0;
  let j = 0;
  for (const kind of script) {
    if (kind === ' ') ops.push({ kind, line: oldLines[i]!, oldIndex: i++, newIndex: j++ });
    else if (kind === '-') ops.push({ kind, line: oldLines[i]!, oldIndex: i++, newIndex: j });
    else ops.push({ kind, line: newLines[j]!, oldIndex: i, newIndex: j++ });
  }

  // Group changes into hunks: two changes closer than 2×context lines share a hunk.
  const changed = ops.map((o, idx) => (o.kind === ' ' ? -1 : idx)).filter((idx) => idx >= 0);
  const hunks: Array<[number, number]> = [];
  for (const idx of changed) {
    const lo = Math.max(0, idx - DIFF_CONTEXT_LINES);
    const hi = Math.min(ops.length - 1, idx + DIFF_CONTEXT_LINES);
    const last = hunks[hunks.length - 1];
    if (last && lo <= last[1] + 1) last[1] = hi;
    else hunks.push([lo, hi]);
  }

  let out = `--- ${headerPath(path)}\n+++ ${headerPath(path)}\n`;
  for (const [lo, hi] of hunks) {
    const slice = ops.slice(lo, hi + 1);
    const first = slice[0]!;
    const oldCount = slice.filter((o) => o.kind !== '+').length;
    const newCount = slice.filter((o) => o.kind !== '-').length;
    out += `@@ -${range(first.oldIndex, oldCount)} +${range(first.newIndex, newCount)} @@\n`;
    for (const o of slice) {
      out += `${o.kind}${o.line.text}\n`;
      if (!o.line.newline) out += '\\ No newline at end of file\n';
    }
  }
  return out;
}
