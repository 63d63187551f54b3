/**
 * The dashboard's HTML shell: a root element, the stylesheet and the module script (no inline script or style, so
 * the page runs under a strict Content-Security-Policy).
 */
export function dashboardPage(): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<meta name="color-scheme" content="dark">
<meta name="description"
  content="Live dashboard of a GraphQL blockchain node: tip, blocks, difficulty, hashrate, mempool and peers.">
<title>Node dashboard</title>
<link rel="icon" href="favicon.svg" type="image/svg+xml">
<link rel="stylesheet" href="dashboard.css">
<script type="module" src="dashboard.js"></script>
</head>
<body>
<div id="app"></div>
<noscript>
<p>The dashboard needs JavaScript. The node's API is at <a href="graphql">/graphql</a> (GraphiQL).</p>
</noscript>
</body>
</html>
`;
}

/** The tab icon: a block with a lit edge, in the dashboard's colours. */
export function dashboardIcon(): string {
  return `<svg xmlns="http://www.w3.org/2000/svg" viewBox="0 0 64 64">
<defs><linearGradient id="g" x1="0" y1="0" x2="1" y2="1">
<stop offset="0" stop-color="#7c9cff"/><stop offset="1" stop-color="#34d399"/>
</linearGradient></defs>
<rect x="4" y="4" width="56" height="56" rx="16" fill="url(#g)"/>
<rect x="18" y="18" width="28" height="28" rx="6" fill="#0a0d14"/>
</svg>
`;
}
