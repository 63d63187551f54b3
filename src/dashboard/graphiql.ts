import type { IncomingMessage, ServerResponse } from 'node:http';
import { requestPath, type StaticAsset, sendStaticAsset, staticAsset, staticAssetOffLoop } from './staticAsset.js';

/**
 * GraphiQL served by the node itself: yoga's default page loads its editor from unpkg.com, so it is blank on a host
 * without internet, and elsewhere runs a third party's script on the origin where operators paste the admin token.
 * The editor comes from @graphql-yoga/render-graphiql instead (its script, styles and Monaco's three workers, bundled
 * as strings), served as files of this node under /graphiql/, so the page needs no inline script and no other host.
 */

/** Where the page's files are served. The page links them by absolute path: yoga renders it at /graphql/ too. */
export const GRAPHIQL_ASSET_PREFIX = '/graphiql/';

/**
 * The page's Content-Security-Policy: scripts and workers only from this node, connections only to this node
 * (`'self'` covers ws:// and wss:// to the same host), fonts and images from this node or inlined as data: URLs by
 * the editor's stylesheet. `style-src` needs 'unsafe-inline': the Monaco editor inserts <style> elements and sets
 * style attributes while it runs (checked in Chromium: without it, both are blocked). Nothing may frame the page.
 */
export const GRAPHIQL_CONTENT_SECURITY_POLICY = [
  "default-src 'none'",
  "script-src 'self'",
  "worker-src 'self'",
  "style-src 'self' 'unsafe-inline'",
  "font-src 'self' data:",
  "img-src 'self' data:",
  "connect-src 'self'",
  "manifest-src 'self'",
  "base-uri 'none'",
  "form-action 'none'",
  "frame-ancestors 'none'",
].join('; ');

/** Headers of the GraphiQL page and of its files. */
export const GRAPHIQL_HEADERS: Readonly<Record<string, string>> = {
  'content-security-policy': GRAPHIQL_CONTENT_SECURITY_POLICY,
  'x-content-type-options': 'nosniff',
  'x-frame-options': 'DENY',
  'referrer-policy': 'no-referrer',
  'cross-origin-opener-policy': 'same-origin',
  'cross-origin-resource-policy': 'same-origin',
};

/** Headers of its files: the page's, revalidated on every use (the ETag makes that a 304). */
const ASSET_HEADERS: Readonly<Record<string, string>> = { ...GRAPHIQL_HEADERS, 'cache-control': 'no-cache' };

/** What the page passes to GraphiQL (yoga's GraphiQLOptions: title, endpoint, default query, protocol, …). */
export type GraphiQLPageOptions = { readonly title?: string } & Readonly<Record<string, unknown>>;

/** The editor's files by name: which export of render-graphiql each is, and its type. */
const FILES = {
  'graphiql.js': { export: 'js', contentType: 'text/javascript; charset=utf-8' },
  'graphiql.css': { export: 'css', contentType: 'text/css; charset=utf-8' },
  'editor.worker.js': { export: 'editorWorkerService', contentType: 'text/javascript; charset=utf-8' },
  'json.worker.js': { export: 'jsonWorker', contentType: 'text/javascript; charset=utf-8' },
  'graphql.worker.js': { export: 'graphqlWorker', contentType: 'text/javascript; charset=utf-8' },
  'favicon.ico': { export: 'favicon', contentType: 'image/x-icon' },
} as const;
type EditorFile = keyof typeof FILES;

/**
 * Runs before the editor's script: Monaco asks for its workers by label, and gets this node's files (yoga's page makes
 * blob: URLs of inlined copies instead, which would need inline script).
 */
const SETUP_JS = `self.MonacoEnvironment = {
  globalAPI: false,
  getWorkerUrl: function (moduleId, label) {
    return {
      editorWorkerService: '/graphiql/editor.worker.js',
      json: '/graphiql/json.worker.js',
      graphql: '/graphiql/graphql.worker.js',
    }[label];
  },
};
`;

/**
 * Runs after the editor's script: renders GraphiQL with the options the page carries as JSON (a data block, not
 * script).
 */
const START_JS = `YogaGraphiQL.renderYogaGraphiQL(
  document.getElementById('graphiql'),
  JSON.parse(document.getElementById('graphiql-options').textContent),
);
`;

/**
 * The GraphiQL page (yoga's `renderGraphiQL` hook): three script files of this node and the options as a JSON data
 * block, so it runs under GRAPHIQL_CONTENT_SECURITY_POLICY.
 */
export function renderGraphiQLPage(options: GraphiQLPageOptions): string {
  // `<` escaped, so no value can close the data block (`</script>`).
  const json = JSON.stringify(options).replace(/</g, '\\u003c');
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title ?? 'GraphiQL')}</title>
<link rel="icon" href="/graphiql/favicon.ico">
<link rel="stylesheet" href="/graphiql/graphiql.css">
</head>
<body class="no-focus-outline">
<noscript>GraphiQL needs JavaScript. The API answers POST and GET at this address.</noscript>
<div id="graphiql"></div>
<script type="application/json" id="graphiql-options">${json}</script>
<script src="/graphiql/setup.js"></script>
<script src="/graphiql/graphiql.js"></script>
<script src="/graphiql/start.js"></script>
</body>
</html>
`;
}

/**
 * What the GraphiQL address serves on a node started with `--trusted-documents` (yoga's `renderGraphiQL` hook there):
 * a page without script that says why there is no editor. The node runs only the documents of its manifests, so an
 * editor that sends whatever is typed would only collect PERSISTED_QUERY_ONLY refusals; the editor's files are not
 * served either.
 */
export function renderTrustedDocumentsOnlyPage(options: GraphiQLPageOptions): string {
  return `<!doctype html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(options.title ?? 'GraphiQL')}: trusted documents only</title>
<style>body { font: 16px/1.5 system-ui, sans-serif; max-width: 46rem; margin: 3rem auto; padding: 0 1rem; }
code { font-size: 0.95em; }</style>
</head>
<body>
<h1 id="trusted-documents-only">GraphiQL is off: this node runs trusted documents only</h1>
<p>This node was started with <code>--trusted-documents</code>. It runs only the operations whose document is in its
manifests: those of the typed client and the <code>node-cli</code> commands, of the peer protocol and of the
dashboard. Any other operation, such as one typed in GraphiQL, is refused with <code>PERSISTED_QUERY_ONLY</code>, so
the editor is not served.</p>
<p>The API still answers at this address, over HTTP and graphql-ws, for a document of the manifests sent whole or by
its id (<code>documentId: "sha256:&lt;hex&gt;"</code>). The live dashboard is at <a href="/">/</a>. To explore the
API, use GraphiQL on a node started without <code>--trusted-documents</code>.</p>
</body>
</html>
`;
}

function escapeHtml(text: string): string {
  return text.replace(/[&<>"']/g, (char) => `&#${char.charCodeAt(0)};`);
}

/**
 * Serves GraphiQL's files under /graphiql/ (GET and HEAD; anything else there is left to the next handler). The
 * editor's 9 MB of strings are loaded from @graphql-yoga/render-graphiql the first time one is asked for (never at
 * start) and kept in memory, each with a gzipped copy (made off the event loop) and an ETag.
 */
export function createGraphiQLRoute(): (req: IncomingMessage, res: ServerResponse) => boolean {
  const small = {
    'setup.js': staticAsset(Buffer.from(SETUP_JS), 'text/javascript; charset=utf-8'),
    'start.js': staticAsset(Buffer.from(START_JS), 'text/javascript; charset=utf-8'),
  } as const;
  let editor: Promise<Readonly<Record<EditorFile, StaticAsset>>> | undefined;
  const loadEditor = () => {
    editor ??= loadEditorFiles().catch((error: unknown) => {
      editor = undefined;
      throw error;
    });
    return editor;
  };
  return (req, res) => {
    if (req.method !== 'GET' && req.method !== 'HEAD') return false;
    const path = requestPath(req.url);
    if (!path.startsWith(GRAPHIQL_ASSET_PREFIX)) return false;
    const name = path.slice(GRAPHIQL_ASSET_PREFIX.length);
    if (Object.hasOwn(small, name)) {
      sendStaticAsset(req, res, small[name as keyof typeof small], ASSET_HEADERS);
      return true;
    }
    if (!Object.hasOwn(FILES, name)) return false;
    loadEditor().then(
      (files) => sendStaticAsset(req, res, files[name as EditorFile], ASSET_HEADERS),
      (error: unknown) => {
        process.stderr.write(`graphiql: the editor's files could not be loaded: ${(error as Error).message}\n`);
        if (res.headersSent) return;
        res.writeHead(500, { ...GRAPHIQL_HEADERS, 'content-type': 'text/plain; charset=utf-8' });
        res.end('GraphiQL is unavailable; see the node log\n');
      },
    );
    return true;
  };
}

async function loadEditorFiles(): Promise<Readonly<Record<EditorFile, StaticAsset>>> {
  const bundled: Readonly<Record<(typeof FILES)[EditorFile]['export'], string>> = await import(
    '@graphql-yoga/render-graphiql/graphiql'
  );
  const entries = await Promise.all(
    (Object.keys(FILES) as EditorFile[]).map(async (name) => {
      const { export: key, contentType } = FILES[name];
      const text = bundled[key];
      // The favicon comes as a data: URL; it is served as the bytes it encodes.
      const body = key === 'favicon' ? Buffer.from(text.slice(text.indexOf(',') + 1), 'base64') : Buffer.from(text);
      return [name, await staticAssetOffLoop(body, contentType)] as const;
    }),
  );
  return Object.fromEntries(entries) as Record<EditorFile, StaticAsset>;
}
