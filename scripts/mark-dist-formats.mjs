// Marks dist/esm as ES modules and dist/cjs as CommonJS, so Node picks the right loader for
// each half of a package's dual build regardless of the package's own "type".
import { writeFileSync, mkdirSync } from 'node:fs';

for (const [dir, type] of [['dist/esm', 'module'], ['dist/cjs', 'commonjs']]) {
  mkdirSync(dir, { recursive: true });
  writeFileSync(`${dir}/package.json`, JSON.stringify({ type }) + '\n');
}
