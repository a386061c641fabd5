/**
 * The web app's one stylesheet. It is inlined into every page by htmlResponse (src/lib/html-page.ts), whose CSP
 * allows exactly this text by its hash: no file to fetch, nothing from a CDN, system fonts only. Mobile first:
 * one column, nothing wider than the viewport, and tables that scroll inside their own box.
 */
export const WEB_STYLE = `*{box-sizing:border-box}
html{-webkit-text-size-adjust:100%}
body{margin:0;font:16px/1.5 system-ui,-apple-system,"Segoe UI",Roboto,sans-serif;color:#1d2330;background:#f6f7f9;overflow-wrap:anywhere}
a{color:#3d35d6}
header.top{background:#1d2330;color:#fff;padding:.5rem 1rem;display:flex;flex-wrap:wrap;gap:.25rem 1rem;align-items:center}
header.top a{color:#fff;text-decoration:none}
header.top .brand{font-weight:700;margin-right:auto}
header.top form{margin:0}
header.top button{background:transparent;border:1px solid #8b93a7;color:#fff;padding:.2rem .7rem}
main{max-width:46rem;margin:0 auto;padding:1rem}
h1{font-size:1.6rem;line-height:1.25;margin:.5rem 0 1rem}
h2{font-size:1.2rem;margin:1.5rem 0 .5rem}
section.card>h2:first-child{margin-top:0}
h3{font-size:1.05rem;margin:1rem 0 .5rem}
section.card{background:#fff;border:1px solid #dde1e8;border-radius:8px;padding:1rem;margin:0 0 1rem}
.field{margin:0 0 1rem}
label,legend{display:block;font-weight:600;margin:0 0 .25rem}
fieldset{border:0;padding:0;margin:0 0 1rem}
fieldset label{font-weight:400;display:inline-flex;gap:.4rem;align-items:center;margin-right:1rem}
input,select,textarea{font:inherit;width:100%;max-width:100%;padding:.5rem;border:1px solid #9aa2b1;border-radius:6px;background:#fff}
input[type=radio],input[type=checkbox]{width:auto}
textarea{min-height:6rem}
[aria-invalid=true]{border-color:#b3261e;outline:1px solid #b3261e}
.hint{color:#5b6275;font-size:.9rem;margin:.1rem 0 .3rem}
.error{color:#b3261e;font-weight:600;margin:.25rem 0 0}
.alert{border:2px solid #b3261e;background:#fdecea;border-radius:6px;padding:.75rem;margin:0 0 1rem}
.notice{border:1px solid #7fb48a;background:#eaf6ec;border-radius:6px;padding:.75rem;margin:0 0 1rem}
button{font:inherit;padding:.55rem 1.2rem;border-radius:6px;border:0;background:#3d35d6;color:#fff;cursor:pointer}
button.secondary{background:#e6e8ee;color:#1d2330}
button.danger{background:#b3261e}
.actions{display:flex;flex-wrap:wrap;gap:.5rem;align-items:center}
.badge{display:inline-block;padding:.05rem .5rem;border-radius:999px;background:#e6e8ee;font-size:.85rem;font-weight:600}
.badge.ok{background:#d7f0dc;color:#1e5b2a}
.badge.wait{background:#fff0c9;color:#6b4d00}
dl.facts{display:grid;grid-template-columns:max-content 1fr;gap:.2rem 1rem;margin:0}
dl.facts dt{font-weight:600}
dl.facts dd{margin:0}
ul.tasks{list-style:none;padding:0;margin:0}
ul.tasks li{border-top:1px solid #dde1e8;padding:.6rem 0}
ul.tasks li:first-child{border-top:0}
.muted{color:#5b6275}
.message{border-left:3px solid #dde1e8;padding:.2rem .75rem;margin:.5rem 0}
.message.mine{border-color:#3d35d6}
.pre{white-space:pre-wrap}
.scroll{overflow-x:auto}
table{border-collapse:collapse;width:100%;font-size:.95rem;overflow-wrap:normal}
th,td{text-align:left;padding:.35rem .5rem;border-bottom:1px solid #dde1e8;vertical-align:top}
td.num,th.num{text-align:right;white-space:nowrap}
td.date{white-space:nowrap}
form.filters{display:flex;flex-wrap:wrap;gap:.5rem 1rem;align-items:flex-end}
form.filters .field{flex:1 1 12rem;margin:0}`;
