/**
 * Compile-time proof that a response schema class mirrors its contract type: `Schema` is
 * assignable to `Contract` (every required property, each of a type the contract accepts) and has
 * no property the contract lacks nor lacks one it has. Use it as `Mirror<Schema, Contract>` in a
 * type that must be `true`: `const proof: Mirror<A, B> = true` fails to compile when they differ.
 */
export type Mirror<Schema extends Contract, Contract> = [Exclude<keyof Schema, keyof Contract> | Exclude<keyof Contract, keyof Schema>] extends [never] ? true : false;

/** Compiles only when every element is `true` (a list of {@link Mirror} proofs). */
export type Proofs<T extends readonly true[]> = T;

/**
 * The values of a string union for an OpenAPI `enum`, checked at compile time to be all of them
 * and nothing else: `valuesOf<RunStatus>()(['queued', …])`.
 */
export const valuesOf =
  <T extends string>() =>
  <const V extends readonly T[]>(values: V & ([T] extends [V[number]] ? unknown : never)): V =>
    values;
