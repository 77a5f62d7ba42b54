// The mail (Postfix) checks: open relay settings, queue size, STARTTLS, VRFY, banner. One module
// per check; all need the postfix fact and are not-applicable on hosts without Postfix.
import type { SectionName } from '../../facts';
import type { CheckDef } from '../types';
import bannerVersion from './bannerVersion';
import certExpiry from './certExpiry';
import clamavSignatures from './clamavSignatures';
import deferralReasons from './deferralReasons';
import dkimSigning from './dkimSigning';
import mynetworks from './mynetworks';
import postfixCheck from './postfixCheck';
import queueLarge from './queueLarge';
import queueStale from './queueStale';
import relayRestrictions from './relayRestrictions';
import rspamd from './rspamd';
import smtpClientTls from './smtpClientTls';
import smtpdTls from './smtpdTls';
import stackCert from './stackCert';
import stackContainers from './stackContainers';
import stackDisk from './stackDisk';
import stackMemory from './stackMemory';
import stackRestarts from './stackRestarts';
import stackServices from './stackServices';
import tlsProtocols from './tlsProtocols';
import vrfy from './vrfy';

export const checks: ReadonlyArray<CheckDef<SectionName>> = [
  mynetworks,
  relayRestrictions,
  queueLarge,
  smtpdTls,
  vrfy,
  bannerVersion,
  // Mail stack health (issue 13): queue age and deferral reasons, postfix check, TLS in use.
  queueStale,
  deferralReasons,
  postfixCheck,
  tlsProtocols,
  smtpClientTls,
  certExpiry,
  // The stack around Postfix: containers, services, Rspamd, ClamAV, resources, DKIM signing.
  stackContainers,
  stackRestarts,
  stackServices,
  rspamd,
  clamavSignatures,
  stackMemory,
  stackDisk,
  stackCert,
  dkimSigning,
] as ReadonlyArray<CheckDef<SectionName>>;
