import { describe, expect, it } from 'vitest';
import { classifyEnv, classifyValue, envToken, isDefaultSecretValue, isLiteralSecret, isSecretKey, looksLikeToken, parseEnvToken, splitEnvAssignment, urlPassword } from './dockerSecrets';

describe('isSecretKey', () => {
  it.each([
    'DB_PASSWORD', 'POSTGRES_PASSWORD', 'MYSQL_ROOT_PASSWORD', 'password', 'dbPassword', 'DBPASSWORD', 'REDIS_PASS', 'SMTP_PWD', 'PASSPHRASE',
    'SECRET_KEY', 'SECRET_KEY_BASE', 'JWT_SECRET', 'APP_SECRET', 'client-secret', 'GITHUB_TOKEN', 'API_TOKEN', 'ACCESS_TOKEN', 'API_KEY', 'APIKEY',
    'STRIPE_KEY', 'APP_KEY', 'AWS_SECRET_ACCESS_KEY', 'PRIVATE_KEY', 'ENCRYPTION_KEY', 'BASIC_AUTH', 'DB_CREDENTIALS', 'PASSWORD_SALT', 'KEY', 'imap.password.key',
  ])('%s is a secret', (k) => expect(isSecretKey(k)).toBe(true));

  it.each([
    'POSTGRES_PASSWORD_FILE', 'DB_PASSWORD_PATH', 'SECRET_KEY_FILE', 'API_KEY_HEADER', 'TOKEN_TTL', 'TOKEN_URL', 'JWT_SECRET_LENGTH', 'PASSWORD_MIN_LENGTH',
    'AWS_ACCESS_KEY_ID', 'GPG_KEY', 'NGINX_GPGKEY', 'PUBLIC_KEY', 'SSH_PUBLIC_KEY', 'KEYCLOAK_URL', 'MONKEY', 'KEYBOARD_LAYOUT', 'KEY_VAULT_REGION',
    'AUTH_PROVIDER', 'PASSENGER_APP_ENV', 'COMPASS_HOST', 'POSTGRES_USER', 'PATH', 'HOME', 'TZ', 'NODE_VERSION', 'PASSWORD_RESET_ENABLED', 'DB_PASSWORD_HASH', '',
  ])('%s is not a secret', (k) => expect(isSecretKey(k)).toBe(false));
});

describe('isDefaultSecretValue', () => {
  it.each([
    'changeme', 'ChangeMe', 'change_me', 'changeme123', 'changeit', 'password', 'Password1', 'P@ssw0rd', 'admin', 'root', 'secret', 'supersecret', '123456',
    'example', 'test', 'your_strong_password_here', 'your_generated_secret_here', 'your_generated_key_here', 'YOUR-API-KEY', 'my_secret_password',
    '<password>', '<your token>', '[secret]', '{{ db_password }}', '********', 'xxxxxxxx', 'replace_me', 'replace-with-a-real-key', 'insert_token_here',
    'minioadmin', 'postgres', 'default', 'dummy', ' changeme ',
  ])('%s is a default or placeholder', (v) => expect(isDefaultSecretValue(v)).toBe(true));

  it.each(['Zq9!vR2#kP', 'PLANTED-fx-envpw-Qm7Zr2', 'correct horse battery staple', 'c2VjcmV0LXRoYXQtaXMtbG9uZw==', 'hunter3x', '', 'adminX7q'])(
    '%s is not',
    (v) => expect(isDefaultSecretValue(v)).toBe(false),
  );
});

describe('classifyValue', () => {
  it('references, passthrough, empty, defaults and literals (compose: interpolated)', () => {
    expect(classifyValue(null, true)).toBe('passthrough');
    expect(classifyValue(undefined, true)).toBe('passthrough');
    expect(classifyValue('', true)).toBe('empty');
    expect(classifyValue('""', true)).toBe('empty');
    expect(classifyValue('${DB_PASSWORD}', true)).toBe('reference');
    expect(classifyValue('$DB_PASSWORD', true)).toBe('reference');
    expect(classifyValue('${DB_PASSWORD:?set it}', true)).toBe('reference');
    expect(classifyValue('${DB_PASSWORD?}', true)).toBe('reference');
    expect(classifyValue('${DB_PASSWORD:-}', true)).toBe('reference');
    expect(classifyValue('${DB_PASSWORD:-changeme}', true)).toBe('default');
    expect(classifyValue('${DB_PASSWORD-Zq9vR2kPx}', true)).toBe('literal');
    expect(classifyValue('prefix-${TOKEN}', true)).toBe('reference');
    expect(classifyValue('/run/secrets/db_password', true)).toBe('reference');
    expect(classifyValue('changeme', true)).toBe('default');
    expect(classifyValue('"changeme"', true)).toBe('default');
    expect(classifyValue('Zq9vR2kPx', true)).toBe('literal');
    expect(classifyValue('pa$$word-Zq9', true)).toBe('literal'); // $$ is a literal $
  });

  it('container Env values are final: a $ is just a character', () => {
    expect(classifyValue('${NOT_INTERPOLATED}', false)).toBe('literal');
    expect(classifyValue('$abc', false)).toBe('literal');
  });
});

describe('classifyEnv', () => {
  it('never keeps the value', () => {
    const e = classifyEnv('DB_PASSWORD', 'PLANTED-Zq9', false);
    expect(e).toEqual({ key: 'DB_PASSWORD', kind: 'literal', secret: true });
    expect(JSON.stringify(e)).not.toContain('PLANTED');
  });

  it('a password inside a URL makes any key a secret', () => {
    expect(urlPassword('postgres://app:PLANTED-url@db:5432/app')).toBe('PLANTED-url');
    expect(urlPassword('https://example.org/x')).toBeNull();
    expect(urlPassword('redis://:onlypw@cache:6379')).toBe('onlypw');
    expect(classifyEnv('DATABASE_URL', 'postgres://app:PLANTED-url@db/app', false)).toEqual({ key: 'DATABASE_URL', kind: 'literal', secret: true, via: 'url-password' });
    expect(classifyEnv('DATABASE_URL', 'postgres://app:changeme@db/app', false).kind).toBe('default');
    expect(classifyEnv('DATABASE_URL', 'postgres://app:${DB_PW}@db/app', true).secret).toBe(false);
    expect(classifyEnv('DATABASE_URL', 'postgres://db/app', false).secret).toBe(false);
  });

  it('switches named like secrets are not secrets', () => {
    expect(classifyEnv('REQUIRE_PASSWORD', 'true', false).secret).toBe(false);
    expect(classifyEnv('BASIC_AUTH', 'off', false).secret).toBe(false);
    expect(isLiteralSecret(classifyEnv('BASIC_AUTH', 'user:Zq9vR2', false))).toBe(true);
  });

  it('splitEnvAssignment', () => {
    expect(splitEnvAssignment('A=b=c')).toEqual({ key: 'A', value: 'b=c' });
    expect(splitEnvAssignment('A=')).toEqual({ key: 'A', value: '' });
    expect(splitEnvAssignment('A')).toEqual({ key: 'A', value: null });
  });
});

describe('values classified on the host (class tokens)', () => {
  const KEYS = ['DB_PASSWORD', 'API_KEY', 'DATABASE_URL', 'REQUIRE_PASSWORD', 'APP_NAME', 'SESSION_TOKEN', 'BASIC_AUTH'];
  const VALUES = [
    '', '""', 'changeme', 'Zq9!vR2#kP', '${DB_PW}', '${DB_PW:-admin}', '/run/secrets/db', 'true', 'OFF', 'postgres://app:PLANTED@db/app',
    'postgres://app:changeme@db/app', 'postgres://app:${PW}@db/app', 'ghp_0123456789abcdefABCDEF0123456789abcd', 'demo', ' "quoted value" ',
  ];

  it('classifyEnv gives the same verdict from the token as from the value, for every key and value', () => {
    for (const key of KEYS)
      for (const v of VALUES)
        for (const interp of [true, false]) {
          const direct = classifyEnv(key, v, interp);
          const { length: _l, tokenLike: _t, ...fromToken } = classifyEnv(key, envToken(v, interp), interp);
          expect(fromToken, `${key}=${v} interpolated=${interp}`).toEqual(direct);
        }
  });

  it('tokens: fields, host-only details for secret literals, and what is not a token', () => {
    expect(envToken('Zq9!vR2#kP', false)).toBe('@rampart:literal:10:-:-');
    expect(envToken('"changeme"', true)).toBe('@rampart:default:8:-:-');
    expect(envToken('postgres://app:PLANTED@db/app', false)).toBe('@rampart:literal:29:literal:-');
    expect(envToken('ünï', false)).toBe('@rampart:literal:5:-:-'); // bytes, UTF-8
    expect(envToken('true', false)).toBe('@rampart:literal:4:-:f');
    expect(envToken('ghp_0123456789abcdefABCDEF0123456789abcd', false)).toBe('@rampart:literal:40:-:k');
    expect(classifyEnv('DB_PASSWORD', '@rampart:literal:40:-:k', false)).toEqual({ key: 'DB_PASSWORD', kind: 'literal', secret: true, length: 40, tokenLike: true });
    expect(classifyEnv('APP_NAME', '@rampart:literal:40:-:k', false)).toEqual({ key: 'APP_NAME', kind: 'literal', secret: false });
    expect(parseEnvToken('@rampart:literal:12:-:x')).toBeNull();
    expect(parseEnvToken('@rampart:passthrough:0:-:-')).toBeNull();
    // Not a token: classified as the literal it is.
    expect(classifyEnv('DB_PASSWORD', '@rampart:bogus', false)).toEqual({ key: 'DB_PASSWORD', kind: 'literal', secret: true });
    expect(looksLikeToken('AKIAIOSFODNN7EXAMPLE')).toBe(true);
    expect(looksLikeToken('correct horse battery staple')).toBe(false);
    expect(looksLikeToken('short1')).toBe(false);
  });
});
