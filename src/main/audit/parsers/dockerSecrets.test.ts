import { describe, expect, it } from 'vitest';
import { classifyEnv, classifyValue, isDefaultSecretValue, isLiteralSecret, isSecretKey, splitEnvAssignment, urlPassword } from './dockerSecrets';

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
