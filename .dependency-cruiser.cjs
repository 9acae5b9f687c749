/**
 * The layer rule (issue 11): imports point down only.
 *
 *   web/ -> clients/ -> workflows/*.contract.ts -> activities/ -> db/ -> lib/
 *
 * - workflows/<name>.contract.ts: a workflow's Signals, Queries, Updates, ID
 *   helper, input/status types, type name and function type. Nothing outside
 *   workflows/ imports any other workflow file (the worker bundles them by path).
 * - clients/: the code that starts, signals, updates and queries workflows;
 *   web/, worker.ts, scripts/ and activities/ use it, db/ and lib/ never.
 * - db/ and lib/ import a contract with `import type` only; lib/ does not
 *   import db/ (lib/messaging's development providers get their store from the caller).
 * - The worker reaches nothing of web/ (nor multer or sharp, which only web/ needs).
 * - Deterministic workflow code imports only workflows/, the Temporal
 *   workflow SDK (and @temporalio/common, which it builds on) and types.
 *
 * Checked by test/layers.test.ts (and `npx depcruise -c .dependency-cruiser.cjs .`).
 */
const contract = '^workflows/[^/]+\\.contract\\.ts$';
const workflowCode = { path: '^workflows/', pathNot: contract };


module.exports = {
  forbidden: [
    {
      name: 'workflow-code-only-through-contracts',
      comment: 'Outside workflows/ import a workflows/<name>.contract.ts, never the workflow code itself.',
      severity: 'error',
      from: { pathNot: '^workflows/' },
      to: workflowCode,
    },
    {
      name: 'db-lib-contracts-type-only',
      comment: 'db/ and lib/ may know a contract\'s types, not its runtime definitions (import type).',
      severity: 'error',
      from: { path: '^(db|lib)/' },
      to: { path: contract, dependencyTypesNot: ['type-only'] },
    },
    {
      name: 'db-not-upward',
      comment: 'db/ sits below activities, clients and web.',
      severity: 'error',
      from: { path: '^db/' },
      to: { path: '^(web|clients|activities)/|^worker\\.ts$' },
    },
    {
      name: 'lib-not-upward',
      comment: 'lib/ is the bottom layer: no db, activities, clients or web.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^(web|clients|activities)/|^worker\\.ts$' },
    },
    {
      name: 'lib-not-db',
      comment: 'lib/ does not import db/.',
      severity: 'error',
      from: { path: '^lib/' },
      to: { path: '^db/' },
    },
    {
      name: 'activities-not-web',
      comment: 'Activities run in the worker: no web/ (they may use clients/ to signal other workflows).',
      severity: 'error',
      from: { path: '^activities/' },
      to: { path: '^web/|^worker\\.ts$' },
    },
    {
      name: 'web-not-activities',
      comment: 'Activities are the worker\'s side effects: what web/ shares with them lives in lib/ (e.g. lib/tokens.ts) or db/.',
      severity: 'error',
      from: { path: '^web/' },
      to: { path: '^activities/' },
    },
    {
      name: 'clients-not-web',
      comment: 'clients/ sits below web/ (the worker uses it too).',
      severity: 'error',
      from: { path: '^clients/' },
      to: { path: '^web/|^worker\\.ts$' },
    },
    {
      name: 'worker-reaches-no-web',
      comment: 'Nothing the worker loads reaches web/ (nor multer or sharp, which come with the upload forms).',
      severity: 'error',
      from: { path: '^worker\\.ts$' },
      to: { path: '^web/|node_modules/(multer|sharp)/', reachable: true },
    },
    {
      name: 'workflows-deterministic',
      comment:
        'Workflow code and contracts import workflows/, @temporalio/workflow (and @temporalio/common, which the workflow SDK builds on) and types only: no activities, db, lib, Node built-ins or other packages at run time.',
      severity: 'error',
      from: { path: '^workflows/', pathNot: '\\.test\\.ts$' },
      to: {
        pathNot: '^workflows/|node_modules/@temporalio/(workflow|common)/',
        dependencyTypesNot: ['type-only'],
      },
    },
    {
      name: 'no-circular-db-lib',
      comment: 'No import cycles among db/ and lib/.',
      severity: 'error',
      from: { path: '^(db|lib)/' },
      to: { path: '^(db|lib)/', circular: true },
    },
  ],
  options: {
    doNotFollow: { path: 'node_modules' },
    exclude: { path: '^(node_modules|\\.tools|\\.data)/' },
    // Type-only imports are dependencies too (and are marked type-only, which the rules above use).
    tsPreCompilationDeps: true,
    tsConfig: { fileName: 'tsconfig.json' },
    enhancedResolveOptions: { exportsFields: ['exports'], conditionNames: ['import', 'require', 'node', 'default', 'types'] },
  },
};
