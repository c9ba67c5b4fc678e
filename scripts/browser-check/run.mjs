// Runs core, ops and nn in a real browser: bundles page.mjs (the packages' ES module builds)
// with esbuild, serves it cross-origin isolated (COOP/COEP headers, which SharedArrayBuffer and
// so the Web Worker pool need), opens it in headless Chromium and prints what the page reports:
// the WebAssembly kernels it compiled, a GPT's losses on one thread and on
// enableWebWorkerPool's two, and whether pooled results equal single-threaded ones bit for bit.
// A manual check, not part of `npm test`: it needs two tools the repository does not depend on.
//   npm run build
//   npm install --no-save esbuild          (or NODE_PATH=<a node_modules with esbuild>)
//   apt-get install chromium               (or set CHROMIUM to a Chrome/Chromium binary)
//   node scripts/browser-check/run.mjs
import { spawn } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:http';
import { createRequire } from 'node:module';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';

const here = dirname(fileURLToPath(import.meta.url));
// require() rather than import(), so that NODE_PATH can point at an esbuild installed elsewhere.
const require = createRequire(import.meta.url);
let build;
try {
  ({ build } = require('esbuild'));
} catch {
  console.error('browser-check: esbuild is not installed (npm install --no-save esbuild, or NODE_PATH=<dir with it>)');
  process.exit(1);
}
const result = await build({
  entryPoints: [join(here, 'page.mjs')], bundle: true, format: 'esm', platform: 'browser', write: false, logLevel: 'warning',
});
const bundle = result.outputFiles[0].contents;
const page = '<!doctype html><meta charset="utf-8"><title>tsgrad browser check</title><script type="module" src="page.js"></script>';

const report = new Promise((resolve) => {
  const server = createServer((req, res) => {
    const isolated = { 'Cross-Origin-Opener-Policy': 'same-origin', 'Cross-Origin-Embedder-Policy': 'require-corp' };
    if (req.method === 'POST' && req.url === '/report') {
      let body = '';
      req.on('data', (chunk) => (body += chunk));
      req.on('end', () => {
        res.end('ok');
        server.close();
        resolve(body);
      });
    } else if (req.url === '/page.js') {
      res.writeHead(200, { 'Content-Type': 'text/javascript', ...isolated }).end(bundle);
    } else {
      res.writeHead(200, { 'Content-Type': 'text/html', ...isolated }).end(page);
    }
  });
  server.listen(0, () => launch(server.address().port));
});

let browser;
function launch(port) {
  const profile = mkdtempSync(join(tmpdir(), 'tsgrad-browser-check-'));
  browser = spawn(process.env.CHROMIUM ?? 'chromium', [
    '--headless=new', '--no-sandbox', '--disable-gpu', `--user-data-dir=${profile}`, `http://127.0.0.1:${port}/`,
  ], { stdio: 'ignore' });
  browser.on('error', (e) => {
    console.error(`browser-check: cannot start ${process.env.CHROMIUM ?? 'chromium'}: ${e.message}`);
    process.exit(1);
  });
  browser.on('exit', () => rmSync(profile, { recursive: true, force: true }));
}

const timeout = setTimeout(() => {
  console.error('browser-check: no report from the page within 180 s');
  browser?.kill();
  process.exit(1);
}, 180_000);
const text = await report;
clearTimeout(timeout);
browser.kill();
console.log(text);
process.exit(/ERROR|false/.test(text) ? 1 : 0);
