// The mail domain checks, in report order. One module per check.
import dkimHostDns from './dkimHostDns';
import dkimHostMatch from './dkimHostMatch';
import dkimKeySize from './dkimKeySize';
import dkimRecord from './dkimRecord';
import dkimRevoked from './dkimRevoked';
import dkimSha1 from './dkimSha1';
import dkimSyntax from './dkimSyntax';
import dkimTesting from './dkimTesting';
import dmarcPct from './dmarcPct';
import dmarcPolicy from './dmarcPolicy';
import dmarcRecord from './dmarcRecord';
import dmarcReportAuth from './dmarcReportAuth';
import dmarcReporting from './dmarcReporting';
import dmarcSyntax from './dmarcSyntax';
import dnsbl from './dnsbl';
import dnssec from './dnssec';
import mtaStsMaxAge from './mtaStsMaxAge';
import mtaStsMode from './mtaStsMode';
import mtaStsMx from './mtaStsMx';
import mtaStsPolicy from './mtaStsPolicy';
import mtaStsTxt from './mtaStsTxt';
import mxCname from './mxCname';
import mxPtr from './mxPtr';
import mxRecord from './mxRecord';
import mxResolvable from './mxResolvable';
import spfAll from './spfAll';
import spfIncludes from './spfIncludes';
import spfLookups from './spfLookups';
import spfMxCovered from './spfMxCovered';
import spfPtr from './spfPtr';
import spfRecord from './spfRecord';
import spfSyntax from './spfSyntax';
import spfVoid from './spfVoid';
import tlsRpt from './tlsRpt';
import smtpReachable from './smtpReachable';
import tlsAvailable from './tlsAvailable';
import tlsChain from './tlsChain';
import tlsExpiry from './tlsExpiry';
import tlsName from './tlsName';
import tlsLegacy from './tlsLegacy';
import tlsWeakCiphers from './tlsWeakCiphers';
import smtpBanner from './smtpBanner';
import daneTlsa from './daneTlsa';
import smtpOpenRelay from './smtpOpenRelay';
import type { MailCheckDef } from './types';

export const MAIL_CHECKS: readonly MailCheckDef[] = [
  spfRecord,
  spfSyntax,
  spfLookups,
  spfVoid,
  spfAll,
  spfPtr,
  spfIncludes,
  spfMxCovered,
  dkimRecord,
  dkimSyntax,
  dkimKeySize,
  dkimTesting,
  dkimSha1,
  dkimRevoked,
  dkimHostDns,
  dkimHostMatch,
  dmarcRecord,
  dmarcSyntax,
  dmarcPolicy,
  dmarcPct,
  dmarcReporting,
  dmarcReportAuth,
  mtaStsTxt,
  mtaStsPolicy,
  mtaStsMode,
  mtaStsMaxAge,
  mtaStsMx,
  tlsRpt,
  mxRecord,
  mxResolvable,
  mxCname,
  mxPtr,
  dnsbl,
  smtpReachable,
  tlsAvailable,
  tlsChain,
  tlsExpiry,
  tlsName,
  tlsLegacy,
  tlsWeakCiphers,
  smtpBanner,
  daneTlsa,
  smtpOpenRelay,
  dnssec,
];
