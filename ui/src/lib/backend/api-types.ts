// The `crates/api` transport types, as ts-rs generates them (generated/api.ts, owned by the api
// engineer). `adapt.ts` turns them into the UI's view types (dto.ts); the compiler checks it
// against every regeneration.
export type * from './generated/api';
