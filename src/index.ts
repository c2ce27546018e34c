export {
  Catalog,
  type CatalogDefinition,
  type CatalogEntry,
  datoCmsCatalog,
  defaultCatalog,
} from './catalog.js';
export { nonRetryableErrorCodes, retryAfterStatuses } from './delivery/outcome.js';
export { redactWebhook } from './delivery/redactor.js';
export { defaultRetryJitter, defaultRetrySchedule } from './delivery/retry-schedule.js';
export {
  HooklineConflictError,
  HooklineError,
  HooklineNotFoundError,
  HooklineStateError,
  HooklineTransportError,
  HooklineValidationError,
  type TransportErrorCode,
  type ValidationIssue,
} from './errors.js';
export type { HooklineEventName, HooklineEvents, HooklineListener } from './events.js';
export { MemoryRepository } from './repository/memory-repository.js';
export type {
  CallUpdate,
  ClaimOptions,
  CompleteAttemptInput,
  InsertCallsContext,
  Repository,
  RepositoryChange,
  UpdateWebhookOptions,
} from './repository/repository.js';
export { defaultCallPageSize, maximumCallPageSize } from './schemas/call-query.js';
export {
  generateSecret,
  signPayload,
  type VerifyOptions,
  type VerifyResult,
  verifyWebhook,
} from './signing.js';
export type { AddressGuardOptions } from './transport/address-guard.js';
export type { Transport, TransportRequest, TransportResponse } from './transport/transport.js';
export { UndiciTransport, type UndiciTransportOptions } from './transport/undici-transport.js';
export type * from './types.js';
export { hooklineVersion } from './version.js';
export {
  type DispatchOptions,
  WebhookManager,
  type WebhookManagerOptions,
} from './webhook-manager.js';
