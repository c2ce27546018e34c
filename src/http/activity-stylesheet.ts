/** Served as a same-origin file, so the Content-Security-Policy needs no inline styles. */
export const activityStylesheet = `
:root { color-scheme: light; --line: #d9dde3; --muted: #5b6470; --accent: #2957c4; }
* { box-sizing: border-box; }
body { margin: 0; font: 14px/1.45 system-ui, -apple-system, "Segoe UI", Roboto, sans-serif; color: #1d232b; background: #f6f7f9; }
header { background: #1d232b; color: #fff; padding: 12px 24px; }
header h1 { margin: 0; font-size: 17px; font-weight: 600; }
main { max-width: 1100px; margin: 0 auto; padding: 16px 24px 40px; }
h2 { font-size: 16px; margin: 24px 0 8px; }
h3 { font-size: 14px; margin: 20px 0 6px; }
a { color: var(--accent); text-decoration: none; }
a:hover { text-decoration: underline; }
table { width: 100%; border-collapse: collapse; background: #fff; border: 1px solid var(--line); }
th, td { text-align: left; padding: 6px 10px; border-bottom: 1px solid var(--line); vertical-align: baseline; }
th { background: #eef0f3; font-weight: 600; font-size: 12px; color: var(--muted); text-transform: uppercase; letter-spacing: .03em; }
.mono, td.url, pre, code { font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; font-size: 12px; }
td.url, td.mono { word-break: break-all; }
table.headers th { text-transform: none; letter-spacing: 0; width: 16em; font-family: ui-monospace, SFMono-Regular, Menlo, Consolas, monospace; color: #1d232b; }
pre { background: #fff; border: 1px solid var(--line); padding: 10px; overflow: auto; max-height: 320px; white-space: pre-wrap; word-break: break-word; margin: 0; }
.status { display: inline-block; padding: 1px 8px; border-radius: 10px; font-size: 12px; font-weight: 600; }
.status-success { background: #dcf3e3; color: #17693a; }
.status-failed { background: #fbe0e0; color: #a12222; }
.status-rescheduled { background: #fdf0d2; color: #8a5a00; }
.status-pending, .status-none { background: #e6e9ee; color: #47505c; }
.enabled { color: #17693a; } .disabled { color: #a12222; }
.muted { color: var(--muted); }
form.filters { display: flex; flex-wrap: wrap; gap: 8px; align-items: end; margin: 8px 0 12px; }
form.filters label { display: flex; flex-direction: column; font-size: 12px; color: var(--muted); gap: 2px; }
select, button { font: inherit; padding: 4px 8px; border: 1px solid var(--line); border-radius: 4px; background: #fff; }
button { background: var(--accent); color: #fff; border-color: var(--accent); cursor: pointer; }
nav.pages { display: flex; gap: 16px; align-items: center; margin-top: 10px; }
dl.facts { display: grid; grid-template-columns: max-content 1fr; gap: 4px 16px; background: #fff; border: 1px solid var(--line); padding: 10px 14px; margin: 0; }
dl.facts dt { color: var(--muted); }
dl.facts dd { margin: 0; }
.notice { padding: 8px 12px; border-radius: 4px; margin: 12px 0; background: #e8effc; border: 1px solid #c5d5f5; }
.notice.bad { background: #fbe0e0; border-color: #f0b9b9; }
form.resend { margin: 12px 0; }
`;
