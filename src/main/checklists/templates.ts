// Checklist templates shipped with the app (issue 14 item 4). Modelled on the kinds of lists
// self-hosting admins keep — a pre-production security checklist, an audit phase's deliverables
// and success criteria, a hardening task tracker — written for Rampart, with every item that a
// check can prove linked to those checks (it then ticks itself from the latest run).
import { CHECKS } from '../audit/checks';
import type { Category, Severity } from '../../shared/domain';

export interface TemplateItem {
  text: string;
  /** Checks that prove the item; none: a manual item. */
  checkIds?: readonly string[];
  note?: string;
}

export interface TemplateSection {
  title: string;
  items: readonly TemplateItem[];
}

export interface ChecklistTemplateDef {
  id: string;
  name: string;
  description: string;
  sections: readonly TemplateSection[];
}

const ofCategory = (...cats: Category[]): string[] => CHECKS.filter((c) => cats.includes(c.category)).map((c) => c.id);
const ofSeverity = (s: Severity): string[] => CHECKS.filter((c) => c.severity === s).map((c) => c.id);
const withPrefix = (p: string): string[] => CHECKS.filter((c) => c.id.startsWith(p)).map((c) => c.id);

export const TEMPLATES: readonly ChecklistTemplateDef[] = [
  {
    id: 'pre-production',
    name: 'Pre-production security checklist',
    description: 'What to have in place before a self-hosted service goes live: credentials, exposure, access, data, operations.',
    sections: [
      {
        title: 'Credentials',
        items: [
          { text: 'No default or placeholder credentials in compose files or container environments', checkIds: ['SECRETS-DEFAULT-COMPOSE', 'SECRETS-DEFAULT-CONTAINER'] },
          { text: 'No secret written literally into compose files or container environments', checkIds: ['SECRETS-COMPOSE-LITERAL', 'SECRETS-CONTAINER-ENV'] },
          { text: 'Secret files readable and writable by their owner only', checkIds: ['SECRET-FILE-READABLE', 'SECRET-FILE-WRITABLE'] },
          { text: 'Session secrets and encryption keys generated for this installation (not the sample values)', note: 'Generate them on the server; record where they are kept, not the values.' },
        ],
      },
      {
        title: 'Network exposure',
        items: [
          { text: 'Firewall active, incoming traffic denied by default', checkIds: ['NET-FIREWALL-INACTIVE', 'NET-FIREWALL-DEFAULT-INCOMING'] },
          { text: 'Databases and the Docker API not reachable from outside, and Docker does not bypass the firewall', checkIds: ['NET-DB-PORT-PUBLIC', 'NET-DOCKER-API-EXPOSED', 'NET-DOCKER-BYPASSES-UFW'] },
          { text: 'No plaintext legacy service listening', checkIds: ['NET-INSECURE-SERVICES'] },
          { text: 'Web applications served over HTTPS through a reverse proxy' },
        ],
      },
      {
        title: 'Access',
        items: [
          { text: 'SSH with keys only, no password or empty-password login, no root password login', checkIds: ['SSH-PASSWORD-AUTH', 'SSH-PERMIT-EMPTY-PASSWORDS', 'SSH-PERMIT-ROOT-LOGIN'] },
          { text: 'No account with an empty password, no second uid 0, no duplicate uid', checkIds: ['ACC-EMPTY-PASSWORD', 'ACC-UID0', 'ACC-DUPLICATE-UID'] },
          { text: 'Administrative rights granted sparingly: sudo asks for a password', checkIds: ['ACC-SUDO-NOPASSWD-ALL', 'ACC-SUDO-NO-AUTHENTICATE'] },
          { text: 'Application users and roles reviewed: least privilege, unused accounts removed' },
        ],
      },
      {
        title: 'Data protection',
        items: [
          { text: 'Backups exist, are recent, encrypted and not readable by others', checkIds: ['BACKUP-NONE', 'BACKUP-STALE', 'BACKUP-UNENCRYPTED', 'BACKUP-READABLE'] },
          { text: 'A restore from backup has been tested' },
        ],
      },
      {
        title: 'Operations',
        items: [
          { text: 'Security updates installed, and installed automatically from now on', checkIds: ['SYS-SECURITY-UPDATES', 'SYS-UNATTENDED-UPGRADES'] },
          { text: 'Operating system release still supported', checkIds: ['SYS-OS-EOL'] },
          { text: 'SSH and firewall events logged', checkIds: ['SSH-LOG-LEVEL', 'NET-UFW-LOGGING-OFF'] },
          { text: 'Brute-force protection active for SSH', checkIds: ['NET-FAIL2BAN-MISSING', 'NET-FAIL2BAN-INACTIVE', 'NET-FAIL2BAN-NO-SSHD-JAIL'] },
          { text: 'Update and maintenance schedule agreed, with a named owner' },
        ],
      },
    ],
  },
  {
    id: 'audit-phase',
    name: 'Security audit phase: deliverables and success criteria',
    description: 'One audit phase: the documents it must produce and the results that close it.',
    sections: [
      {
        title: 'Deliverables',
        items: [
          { text: 'Executive summary with the security grade', note: 'rampart report --kind executive' },
          { text: 'CVE and vulnerability report' },
          { text: 'Secrets and credentials assessment' },
          { text: 'File permissions audit' },
          { text: 'Container security review' },
          { text: 'Network security assessment' },
          { text: 'Access control report' },
          { text: 'Backup security review', note: 'The full report (rampart report --kind full) has one section per area above.' },
          { text: 'Remediation priority matrix' },
          { text: 'ACTION_PLAN_TODO.md written and worked through', note: 'rampart report --kind action-plan --format md' },
        ],
      },
      {
        title: 'Success criteria',
        items: [
          { text: 'No critical finding open', checkIds: ofSeverity('critical') },
          { text: 'No high-severity finding open', checkIds: ofSeverity('high') },
          { text: 'Every secret properly secured', checkIds: ofCategory('secrets') },
          { text: 'No overly permissive file', checkIds: ofCategory('permissions') },
          { text: 'Containers hardened', checkIds: ofCategory('containers') },
          { text: 'Network properly restricted and segmented', checkIds: ofCategory('network', 'vpn') },
          { text: 'Access controls validated', checkIds: ofCategory('access', 'ssh') },
          { text: 'Backups verified', checkIds: ofCategory('backups') },
          { text: 'Grade target reached and findings either fixed or accepted with a reason and an expiry' },
        ],
      },
    ],
  },
  {
    id: 'hardening-tracker',
    name: 'Server hardening task tracker',
    description: 'Tasks in groups, each with an owner and a due date, from base system to mail; checks tick what they can prove.',
    sections: [
      {
        title: '1. Base system',
        items: [
          { text: 'Time synchronisation running', checkIds: ['SYS-TIME-SYNC'] },
          { text: 'Automatic security updates enabled', checkIds: ['SYS-UNATTENDED-UPGRADES'] },
          { text: 'Kernel and network parameters hardened', checkIds: withPrefix('KRNL-') },
          { text: 'Administrative user created; sudo asks for a password', checkIds: ['ACC-SUDO-NOPASSWD-ALL'] },
        ],
      },
      {
        title: '2. SSH and VPN',
        items: [
          { text: 'SSH key-only, root password login disabled', checkIds: ['SSH-PASSWORD-AUTH', 'SSH-PERMIT-ROOT-LOGIN'] },
          { text: 'Modern SSH algorithms only', checkIds: ['SSH-WEAK-KEX', 'SSH-WEAK-CIPHERS', 'SSH-WEAK-MACS', 'SSH-WEAK-HOSTKEY-ALGORITHMS', 'SSH-TERRAPIN'] },
          { text: 'WireGuard tunnel up, with a recent handshake', checkIds: ['VPN-WG-INTERFACE-DOWN', 'VPN-WG-NO-HANDSHAKE'] },
          { text: 'SSH reachable through the VPN only', checkIds: ['NET-SSH-BEYOND-VPN'] },
          { text: 'Emergency access and rollback procedure written down and tried' },
        ],
      },
      {
        title: '3. Intrusion prevention',
        items: [
          { text: 'Firewall on, default deny incoming', checkIds: ['NET-FIREWALL-INACTIVE', 'NET-FIREWALL-DEFAULT-INCOMING'] },
          { text: 'fail2ban running with an sshd jail', checkIds: ['NET-FAIL2BAN-MISSING', 'NET-FAIL2BAN-INACTIVE', 'NET-FAIL2BAN-NO-SSHD-JAIL'] },
        ],
      },
      {
        title: '4. Storage and permissions',
        items: [
          { text: 'Data directories owned by their service and closed to others', checkIds: ['PERM-DATA-DIRS'] },
          { text: 'Backup directories closed to others', checkIds: ['BACKUP-READABLE'] },
          { text: 'Disk quotas set where users store data' },
        ],
      },
      {
        title: '5. Containers and database',
        items: [
          { text: 'Database port not published to every interface', checkIds: ['NET-DB-PORT-PUBLIC', 'DOCKER-PORTS-ALL-INTERFACES'] },
          { text: 'Database backups scheduled and recent', checkIds: ['BACKUP-NONE', 'BACKUP-STALE'] },
          { text: 'Containers run with no-new-privileges and all capabilities dropped', checkIds: ['DOCKER-NO-NEW-PRIVILEGES', 'DOCKER-NO-CAP-DROP-ALL'] },
        ],
      },
      {
        title: '6. Mail',
        items: [
          { text: 'No open relay', checkIds: ['MAIL-OPEN-RELAY-MYNETWORKS', 'MAIL-RELAY-RESTRICTIONS'] },
          { text: 'SMTP offers TLS', checkIds: ['MAIL-SMTPD-NO-TLS'] },
          { text: 'Deliverability checked with a test message to an outside mailbox' },
        ],
      },
    ],
  },
];

{
  const known = new Set(CHECKS.map((c) => c.id));
  for (const t of TEMPLATES)
    for (const s of t.sections)
      for (const i of s.items) for (const id of i.checkIds ?? []) if (!known.has(id)) throw new Error(`checklist template ${t.id} names an unknown check ${id}`);
}

export function templateById(id: string): ChecklistTemplateDef | null {
  return TEMPLATES.find((t) => t.id === id) ?? null;
}
