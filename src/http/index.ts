export {
  type ApiErrorEntry,
  apiErrorCodes,
} from './api-error.js';
export type {
  AuthorizationResult,
  Authorize,
} from './authorization.js';
export { contentSecurityPolicy } from './content-security-policy.js';
export {
  createManagementHandler,
  type ManagementHandler,
  type ManagementHandlerOptions,
} from './create-management-handler.js';
export { type NodeListener, toNodeListener } from './to-node-listener.js';
