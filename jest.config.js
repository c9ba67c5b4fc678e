// One Jest run over every workspace. Tests import the packages' TypeScript sources directly
// (no build needed); ts-jest transpiles each file alone because `tsc -b` already type-checks.
const sourceOf = {
  '^@tsgrad/core$': '<rootDir>/../packages/core/src/index.ts',
  '^@tsgrad/ops$': '<rootDir>/../packages/ops/src/index.ts',
  '^@tsgrad/nn$': '<rootDir>/../packages/nn/src/index.ts',
  '^@tsgrad/nn/node$': '<rootDir>/../packages/nn/src/node/index.ts',
  '^@tsgrad/ops/node$': '<rootDir>/../packages/ops/src/node/index.ts',
  '^(\\.{1,2}/.*)\\.js$': '$1',
};

const project = (dir, depth = 1) => ({
  displayName: dir,
  rootDir: dir,
  testEnvironment: 'node',
  testMatch: ['<rootDir>/test/**/*.test.ts', '<rootDir>/*.test.ts', '<rootDir>/**/*.test.ts'],
  testPathIgnorePatterns: ['/node_modules/', '/dist/'],
  moduleNameMapper: Object.fromEntries(
    Object.entries(sourceOf).map(([k, v]) => [k, v.replace('<rootDir>/../', '<rootDir>/' + '../'.repeat(depth))]),
  ),
  transform: {
    '^.+\\.ts$': ['ts-jest', { tsconfig: { isolatedModules: true, module: 'commonjs', target: 'ES2022', esModuleInterop: true } }],
  },
});

module.exports = {
  projects: [
    project('packages/core', 2),
    project('packages/ops', 2),
    project('packages/nn', 2),
    project('examples', 1),
    project('tests', 1),
  ],
};
