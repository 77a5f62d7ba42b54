// The app window's Content-Security-Policy, one string for the Electron header
// (src/main/electron/window.ts) and the e2e harness; src/renderer/index.html repeats it in a
// meta tag. Styles: the app's own sheets, plus exactly one inline sheet by its hash — the report
// style sheet (src/main/reports/html.ts REPORT_CSS), for the report preview, a sandboxed srcdoc
// iframe that inherits this policy. src/main/reports/csp.test.ts checks the hash against the
// sheet and that index.html says the same.
export const REPORT_CSS_HASH = 'sha256-Kx+/Nf5z3lWMMDnImqmKxMKqf2QlroWkNfQTuO9BjSA=';

export const APP_CSP =
  `default-src 'none'; script-src 'self'; style-src 'self' '${REPORT_CSS_HASH}'; img-src 'self' data:; font-src 'self'; connect-src 'self'; base-uri 'none'; form-action 'none'; frame-ancestors 'none'`;
