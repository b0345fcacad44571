// Two projects: unit tests (pure, no I/O) and integration tests (real Kafka and Postgres).
const swc = [
  '@swc/jest',
  {
    jsc: {
      parser: { syntax: 'typescript', decorators: true },
      transform: { legacyDecorator: true, decoratorMetadata: true },
      target: 'es2022',
    },
    module: { type: 'commonjs' },
    sourceMaps: 'inline',
  },
];

// Dependencies that ship only ES modules, compiled to CommonJS for jest like our own code.
const esmOnlyPackages = ['content-disposition'];

const transform = {
  '^.+\\.ts$': swc,
  [`/node_modules/(${esmOnlyPackages.join('|')})/.+\\.js$`]: swc,
};

const moduleNameMapper = {
  '^@tsuzuku/contracts$': '<rootDir>/libs/contracts/src',
  '^@tsuzuku/demo$': '<rootDir>/libs/demo/src',
  '^@tsuzuku/platform-(.*)$': '<rootDir>/libs/platform/$1/src',
};

const common = {
  rootDir: __dirname,
  testEnvironment: 'node',
  transform,
  moduleNameMapper,
  transformIgnorePatterns: [`/node_modules/(?!(${esmOnlyPackages.join('|')})/)`],
  modulePathIgnorePatterns: ['<rootDir>/.*/dist/', '<rootDir>/.tsuzuku/'],
};

module.exports = {
  projects: [
    {
      ...common,
      displayName: 'unit',
      testMatch: ['<rootDir>/{apps,libs,tools}/**/*.spec.ts'],
    },
    {
      ...common,
      displayName: 'integration',
      testMatch: ['<rootDir>/{apps,libs,tools,tests}/**/*.int-spec.ts'],
      globalSetup: '<rootDir>/libs/platform/testing/src/global-setup.ts',
      globalTeardown: '<rootDir>/libs/platform/testing/src/global-teardown.ts',
      setupFilesAfterEnv: ['<rootDir>/libs/platform/testing/src/jest-setup.ts'],
    },
  ],
};
