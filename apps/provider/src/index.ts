export * from './start-stand-in-provider';
export * from './provider-options';
export * from './state/provider-state';
export { ProviderEndpoints } from './common/provider-endpoints';
export {
  SUPPORTED_GRANT_TYPES,
  SUPPORTED_AUTH_METHODS,
  checkRegistrationRequest,
  type AcceptedRegistration,
} from './oauth/registration-request';
export * from './state/authorization-grants';
