"""The stylesheet of the preview pages: close to Slack's own look (Lato, 15px, its colours)."""

from __future__ import annotations

# Written once beside the pages, which all link it.
STYLESHEET_FILE = "slack.css"
STYLESHEET = """
* { box-sizing: border-box; }
body {
  margin: 0; background: #f8f8f8; color: #1d1c1d;
  font-family: Lato, "Slack-Lato", "Helvetica Neue", Helvetica, Arial, sans-serif;
  font-size: 15px; line-height: 1.46668; -webkit-font-smoothing: antialiased;
}
.window { max-width: 860px; margin: 0 auto; background: #fff; min-height: 100vh; }
.titlebar {
  display: flex; align-items: center; gap: 8px; padding: 0 20px; height: 49px;
  border-bottom: 1px solid rgba(29,28,29,.13); font-weight: 900; font-size: 18px;
}
.titlebar .muted { font-weight: 400; font-size: 13px; color: #616061; margin-left: auto; }
.tabs { display: flex; gap: 20px; padding: 0 20px; border-bottom: 1px solid rgba(29,28,29,.13); }
.tabs span { padding: 10px 0 8px; font-size: 14px; color: #616061; }
.tabs .active { color: #1d1c1d; font-weight: 700; box-shadow: inset 0 -2px 0 #1264a3; }
.notification {
  margin: 12px 20px 0; padding: 10px 14px; border-radius: 8px; background: #f2f2f2;
  border: 1px solid rgba(29,28,29,.13); font-size: 13px; color: #454245;
}
.notification .what {
  font-weight: 700; text-transform: uppercase; font-size: 11px; color: #616061;
  letter-spacing: .04em; display: block;
}
.message { display: flex; gap: 8px; padding: 16px 20px; }
.avatar {
  flex: none; width: 36px; height: 36px; border-radius: 6px; background: #4a154b; color: #fff;
  font-weight: 900; display: flex; align-items: center; justify-content: center; font-size: 15px;
  line-height: 1;
}
.message-body { flex: 1; min-width: 0; }
.sender { font-weight: 900; }
.app-badge {
  font-size: 10px; font-weight: 700; color: #616061; background: rgba(29,28,29,.06);
  border-radius: 2px; padding: 1px 3px; margin: 0 4px; vertical-align: 1px;
}
.timestamp { font-size: 12px; color: #616061; }
.ephemeral { font-size: 13px; color: #616061; margin-bottom: 2px; }
.ephemeral::before { content: "👁 "; }
.home { padding: 16px 20px 32px; }
.block { margin: 4px 0; }
.block.header { font-size: 18px; font-weight: 900; line-height: 1.33; margin: 12px 0 6px; }
.block.header:first-child { margin-top: 4px; }
hr.divider { border: 0; border-top: 1px solid rgba(29,28,29,.13); margin: 14px 0; }
.section { display: flex; gap: 12px; align-items: flex-start; }
.section-body { flex: 1; min-width: 0; }
.accessory { flex: none; }
.mrkdwn p { margin: 0; white-space: pre-wrap; overflow-wrap: anywhere; }
.fields { display: grid; grid-template-columns: 1fr 1fr; gap: 8px 16px; margin-top: 4px; }
.field p { margin: 0; white-space: pre-wrap; }
.context {
  display: flex; flex-wrap: wrap; align-items: center; gap: 4px 8px;
  font-size: 13px; color: #616061; line-height: 1.38;
}
.context p, .context pre, .context blockquote { display: inline; margin: 0; white-space: pre-wrap; }
.actions { display: flex; flex-wrap: wrap; gap: 8px; margin: 8px 0; }
.button, .select {
  display: inline-flex; align-items: center; gap: 6px; height: 28px; padding: 0 12px;
  border: 1px solid rgba(29,28,29,.3); border-radius: 4px; background: #fff; color: #1d1c1d;
  font-size: 13px; font-weight: 700; white-space: nowrap; cursor: pointer;
}
.button.primary { background: #007a5a; border-color: #007a5a; color: #fff; }
.button.danger { background: #e01e5a; border-color: #e01e5a; color: #fff; }
.button.overflow { padding: 0 8px; font-size: 16px; }
.select { font-weight: 400; min-width: 120px; justify-content: space-between; }
.select.datepicker, .select.timepicker { justify-content: flex-start; }
.select .caret { color: #616061; margin-left: 8px; font-size: 11px; }
.input .select { display: flex; width: 100%; height: 36px; font-size: 15px; }
.placeholder { color: #868686; font-weight: 400; }
.text-input {
  border: 1px solid rgba(29,28,29,.3); border-radius: 4px; padding: 8px 10px; min-height: 38px;
  font-size: 15px; white-space: pre-wrap;
}
.text-input.multiline { min-height: 88px; }
.input { margin: 14px 0; }
.input .label { font-weight: 700; margin-bottom: 6px; }
.optional { font-weight: 400; color: #616061; }
.hint { font-size: 13px; color: #616061; margin-top: 4px; }
.choices .choice { display: flex; gap: 8px; margin: 4px 0; }
.choices .mark { color: #1264a3; }
code {
  font-family: Monaco, Menlo, Consolas, "Courier New", monospace; font-size: 12px;
  color: #e01e5a; background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13);
  border-radius: 3px; padding: 2px 3px 1px; white-space: pre-wrap;
}
pre {
  font-family: Monaco, Menlo, Consolas, "Courier New", monospace; font-size: 12px;
  background: rgba(29,28,29,.04); border: 1px solid rgba(29,28,29,.13); border-radius: 4px;
  padding: 8px; margin: 4px 0; white-space: pre-wrap; overflow-wrap: anywhere;
}
blockquote { margin: 4px 0; padding-left: 16px; border-left: 4px solid #dddddd; }
.link { color: #1264a3; text-decoration: none; }
.mention { color: #1264a3; background: rgba(29,155,209,.1); border-radius: 3px; padding: 0 2px; }
.mention.broadcast { color: #8f6b00; background: rgba(242,199,68,.4); }
.date { border-bottom: 1px dotted #868686; }
.thumb {
  display: inline-flex; width: 20px; height: 20px; border-radius: 4px; background: #e8e8e8;
  align-items: center; justify-content: center; font-size: 11px; color: #868686;
}
.image-title { font-size: 13px; color: #616061; margin-bottom: 4px; }
.image-box {
  width: 360px; max-width: 100%; height: 200px; border-radius: 8px; background: #eee;
  display: flex; align-items: center; justify-content: center; color: #616061; font-size: 13px;
}
.rich-text ul, .rich-text ol { margin: 2px 0; padding-left: 24px; }
.markdown { white-space: pre-wrap; }
.unknown {
  border: 1px dashed #e01e5a; color: #e01e5a; border-radius: 4px; padding: 6px 10px;
  font-size: 13px; margin: 4px 0;
}
.overlay { min-height: 100vh; background: rgba(0,0,0,.55); padding: 40px 16px; }
.modal {
  max-width: 520px; margin: 0 auto; background: #fff; border-radius: 8px; overflow: hidden;
  box-shadow: 0 18px 48px rgba(0,0,0,.35);
}
.modal-title {
  display: flex; justify-content: space-between; align-items: center; padding: 18px 28px;
  font-size: 22px; font-weight: 900; border-bottom: 1px solid rgba(29,28,29,.13);
}
.modal-title .close { font-weight: 400; color: #616061; font-size: 20px; }
.modal-body { padding: 12px 28px 20px; }
.modal-footer {
  display: flex; justify-content: flex-end; gap: 12px; padding: 20px 28px;
  border-top: 1px solid rgba(29,28,29,.13);
}
.modal-footer .button { height: 36px; padding: 0 16px; font-size: 15px; }
"""
