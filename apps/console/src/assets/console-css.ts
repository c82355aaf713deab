/** The console's one stylesheet, served at /assets/console.css (the CSP allows no inline style). */
export const CONSOLE_CSS = `
:root { --ink: #1d2330; --muted: #6b7280; --line: #e3e6ec; --bg: #f7f8fa; --good: #1f8f4e; --warn: #b7791f; --bad: #c53030; --info: #2b6cb0; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: var(--ink); background: var(--bg); }
header.top { display: flex; gap: 24px; align-items: center; padding: 10px 24px; background: var(--ink); color: #fff; }
header.top a { color: #fff; text-decoration: none; margin-right: 16px; }
header.top .brand { font-weight: 600; }
header.top nav a { opacity: .85; } header.top nav a:hover { opacity: 1; text-decoration: underline; }
header.top .sign-out { margin-left: auto; }
main { padding: 16px 24px 48px; }
h1 { font-size: 20px; margin: 4px 0 16px; } h2 { font-size: 16px; margin: 24px 0 8px; }
a { color: var(--info); }
table { border-collapse: collapse; width: 100%; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; vertical-align: top; padding: 6px 10px; border-bottom: 1px solid var(--line); }
th { font-weight: 600; background: #f0f2f5; font-size: 12px; text-transform: uppercase; letter-spacing: .03em; color: var(--muted); }
td code, td time { white-space: nowrap; }
code, pre { font: 12px/1.4 ui-monospace, SFMono-Regular, Menlo, monospace; }
pre { background: #fff; border: 1px solid var(--line); padding: 8px 10px; overflow: auto; max-height: 320px; }
code.id { color: var(--muted); }
.none, .hint { color: var(--muted); }
.notice { padding: 8px 12px; background: #fff8e1; border: 1px solid #f6d776; }
dl.settings { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; border: 1px solid var(--line); padding: 10px 14px; }
dl.settings dt { color: var(--muted); } dl.settings dd { margin: 0; }
.destination { display: inline-flex; gap: 6px; align-items: baseline; flex-wrap: wrap; }
.platform { font-weight: 600; }
.status, .test-mode, .outcome, .signal { display: inline-block; border-radius: 3px; padding: 0 6px; font-size: 12px; border: 1px solid var(--line); background: #fff; }
.status.active { color: var(--good); border-color: var(--good); }
.status.needs_credentials { color: var(--bad); border-color: var(--bad); }
.test-mode { color: var(--warn); border-color: var(--warn); }
.api-version { color: var(--muted); font-size: 12px; }
.outcome { margin: 1px 6px 1px 0; }
.outcome.sent { color: var(--good); border-color: var(--good); }
.outcome.blocked_consent, .outcome.filtered, .outcome.skipped { color: var(--warn); border-color: var(--warn); }
.outcome.retrying, .outcome.pending { color: var(--info); border-color: var(--info); }
.outcome.parked, .outcome.dead, .outcome.failed { color: var(--bad); border-color: var(--bad); }
.signal.granted { color: var(--good); } .signal.denied { color: var(--bad); }
.http-status { font-weight: 600; } .reason { color: var(--muted); }
.figure { white-space: nowrap; font-variant-numeric: tabular-nums; }
svg.chart rect { fill: currentColor; } svg.chart rect.empty { fill: var(--line); }
svg.chart.good { color: var(--good); } svg.chart.warn { color: var(--warn); } svg.chart.bad { color: var(--bad); }
.live-status { font-weight: 600; } .live-status.live { color: var(--good); } .live-status.lost { color: var(--bad); }
form.filters { display: flex; gap: 12px; flex-wrap: wrap; align-items: end; margin-bottom: 12px; }
form.filters label, form.sign-in label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); }
form.sign-in { display: flex; gap: 12px; align-items: end; background: #fff; border: 1px solid var(--line); padding: 16px; max-width: 560px; }
form.sign-in input { width: 360px; }
input, select, button { font: inherit; padding: 4px 8px; }
button { cursor: pointer; }
`;
