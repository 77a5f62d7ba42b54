import { sql as v1 } from './001_hosts';
import { sql as v2 } from './002_audit_runs';
import { sql as v3 } from './003_host_profile';
import { sql as v4 } from './004_triage';
import { sql as v5 } from './005_remediation';
import { sql as v6 } from './006_mail_domains';
import { sql as v7 } from './007_run_details';
import { sql as v8 } from './008_fix_policy';
import { sql as v9 } from './009_mail_domain_settings';
import { sql as v10 } from './010_probe';
import { sql as v11 } from './011_checklists';
import { sql as v12 } from './012_settings';
import { sql as v13 } from './013_workbench';
import { sql as v14 } from './014_workbench_index';
import { sql as v15 } from './015_probe_authserv';
import { sql as v16 } from './016_fleet_index';

/** Index i holds the SQL that takes the schema from version i to i + 1. Append only. */
export const MIGRATIONS: readonly string[] = [v1, v2, v3, v4, v5, v6, v7, v8, v9, v10, v11, v12, v13, v14, v15, v16];
export const SCHEMA_VERSION = MIGRATIONS.length;
