/// The page's inline stylesheet: one file, no web fonts, prints cleanly.
enum ReportStyle {
    static let css = """
    :root { --ink: #1c2333; --muted: #5f6b7d; --line: #e3e7ee; --panel: #ffffff; --bg: #f4f6f9;
      --navy: #1f2a44; --teal: #0f766e; --cost: #c2410c; --cost2: #ea8a4f; --revenue: #15803d; --grey: #94a3b8; }
    * { box-sizing: border-box; }
    body { margin: 0; background: var(--bg); color: var(--ink);
      font: 14px/1.5 -apple-system, "Segoe UI", "Helvetica Neue", Arial, "Noto Sans", "PingFang SC", sans-serif; }
    .page { max-width: 1080px; margin: 0 auto; padding: 0 24px 40px; }
    header.top { background: var(--navy); color: #fff; padding: 28px 0 22px; margin-bottom: 24px; }
    header.top .page { padding-bottom: 0; }
    .eyebrow { text-transform: uppercase; letter-spacing: .08em; font-size: 11px; color: #a9b6cf; }
    h1 { margin: 4px 0 14px; font-size: 26px; font-weight: 600; letter-spacing: -.01em; word-break: break-word; }
    dl.meta { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 10px 24px; margin: 0; }
    dl.meta div { min-width: 0; }
    dl.meta dt { font-size: 11px; text-transform: uppercase; letter-spacing: .06em; color: #a9b6cf; }
    dl.meta dd { margin: 0; font-size: 13px; overflow-wrap: anywhere; }
    .cards { display: grid; grid-template-columns: repeat(4, minmax(0, 1fr)); gap: 12px; margin-bottom: 20px; }
    .card { background: var(--panel); border: 1px solid var(--line); border-radius: 8px; padding: 14px 16px; }
    .card .k { font-size: 12px; color: var(--muted); }
    .card .v { font-size: 22px; font-weight: 600; font-variant-numeric: tabular-nums; margin-top: 2px; }
    .card .i { font-size: 12px; color: var(--muted); font-variant-numeric: tabular-nums; }
    section { background: var(--panel); border: 1px solid var(--line); border-radius: 8px;
      padding: 18px 20px 16px; margin-bottom: 20px; break-inside: avoid; }
    h2 { font-size: 16px; font-weight: 600; margin: 0 0 2px; }
    p.lede { margin: 0 0 12px; color: var(--muted); font-size: 13px; }
    .chart { margin: 4px 0 14px; }
    svg text { font-family: inherit; font-size: 12px; fill: var(--ink); }
    svg text.value { font-variant-numeric: tabular-nums; font-weight: 600; }
    svg text.note, svg text.tick { fill: var(--muted); font-size: 11px; }
    svg .axis { stroke: #9aa5b5; stroke-width: 1; }
    svg .grid { stroke: var(--line); stroke-width: 1; }
    svg .whisker { stroke: var(--ink); stroke-width: 1.4; fill: none; }
    table { width: 100%; border-collapse: collapse; font-size: 13px; }
    th, td { padding: 7px 10px; border-bottom: 1px solid var(--line); vertical-align: top; }
    th { text-align: left; font-weight: 600; color: var(--muted); font-size: 12px; border-bottom: 2px solid var(--line); }
    th.n, td.n { text-align: right; font-variant-numeric: tabular-nums; white-space: nowrap; }
    td .iv { display: block; color: var(--muted); font-size: 11px; }
    tr.total td { font-weight: 600; border-top: 2px solid var(--line); }
    td.name { overflow-wrap: anywhere; }
    .ok { color: var(--revenue); } .miss { color: var(--cost); }
    .empty { color: var(--muted); font-style: italic; margin: 4px 0; }
    footer { color: var(--muted); font-size: 12px; line-height: 1.6; }
    footer p { margin: 0 0 6px; }
    @media print { body { background: #fff; } section, .card { border-color: #ccc; } }
    """
}
