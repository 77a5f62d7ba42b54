import { describe, expect, it } from 'vitest';
import { outputExcerpt, redactSecrets } from './excerpt';

describe('outputExcerpt', () => {
  it('redacts secret assignments, URL passwords and key-like tokens, keeps the rest', () => {
    const t = redactSecrets('[Interface]\nPrivateKey = yAnz5TF+lXXJte14tji3zlMNq+hd2rYUIgJBgB3fBmk=\nDB_PASSWORD="hunter2 x"\nurl=postgres://app:s3cret@db/x\nListenPort = 51820 /etc/wireguard/wg0.conf');
    expect(t).not.toMatch(/yAnz5TF|hunter2|s3cret/);
    expect(t).toContain('PrivateKey = <redacted>');
    expect(t).toContain('DB_PASSWORD=<redacted>');
    expect(t).toContain('postgres://app:<redacted>@db/x');
    expect(t).toContain('ListenPort = 51820 /etc/wireguard/wg0.conf');
  });
  it('leaves ordinary output alone and cuts after redacting', () => {
    expect(outputExcerpt('  Status: inactive\nusr/lib/openssh/sftp-server  ', 200)).toBe('Status: inactive\nusr/lib/openssh/sftp-server');
    const long = `token: ${'Ab1'.repeat(40)} tail`;
    expect(outputExcerpt(long, 20)).toBe('token: <redacted>');
  });
});
