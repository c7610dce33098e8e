/**
 * Step Functions API errors as the service sends them (AWS JSON 1.0): HTTP 400 for client errors,
 * body `{"__type": "<namespace>#<Code>", "message": "..."}`. The SDK keeps the part after `#`; the
 * namespace prefix is kept because real AWS bodies carry it (docs/aws-behaviour.md §1.5, §4.6) and
 * our own client must cope with it.
 */

/** Error codes the local Step Functions API produces. */
export type SfnErrorCode =
  | 'AccessDeniedException'
  | 'ExecutionAlreadyExists'
  | 'ExecutionDoesNotExist'
  | 'ExecutionNotRedrivable'
  | 'IncompleteSignature'
  | 'InvalidArn'
  | 'InvalidExecutionInput'
  | 'InvalidName'
  | 'InvalidOutput'
  | 'InvalidDefinition'
  | 'StateMachineAlreadyExists'
  | 'TaskDoesNotExist'
  | 'InvalidSignatureException'
  | 'InvalidToken'
  | 'MissingAuthenticationToken'
  | 'ResourceNotFound'
  | 'SerializationException'
  | 'StateMachineDoesNotExist'
  | 'UnknownOperationException'
  | 'UnrecognizedClientException'
  | 'ValidationException'
  | 'InternalFailure';

const NAMESPACE = 'com.amazonaws.swf.service.v2.model';

/** A Step Functions API error; {@link toBody} gives its wire form. */
export class SfnError extends Error {
  constructor(
    readonly code: SfnErrorCode,
    message: string,
    readonly status = 400,
  ) {
    super(message);
    this.name = code;
  }

  /** The JSON 1.0 error body. */
  toBody(): { __type: string; message: string } {
    return { __type: `${NAMESPACE}#${this.code}`, message: this.message };
  }
}
