export * from './verification-report';
export {
  decodeCompactJws,
  joseHeaderProblem,
  DEFAULT_MAX_JWS_LENGTH,
  type DecodedJws,
  type JwsDecodeResult,
} from './compact-jws.decoder';
export * from './clr.verifier';
