/**
 * For mutation testing only: stryker.config.mjs maps `@nestjs/swagger` here. Its decorators only
 * describe the API for the OpenAPI document (checked by test/integration/api-documents.int-spec.ts
 * and the e2e tier); here each is a no-op. The real package costs every spec file that loads a DTO
 * most of a second of imports, which every mutant run pays again.
 */
const noDecorator = () => () => undefined;
module.exports = new Proxy(
  { __esModule: true, getSchemaPath: (model) => `#/components/schemas/${typeof model === 'string' ? model : model.name}` },
  { get: (target, name) => (name in target ? target[name] : noDecorator) },
);
