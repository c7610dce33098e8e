/**
 * The approval job's step: hands the task token to whoever approves. Here it only logs the command
 * that answers (a real job would email it or post it to a chat); the execution waits until someone
 * runs `aws stepfunctions send-task-success` (or `send-task-failure --error Rejected`).
 */
export interface AskApprovalEvent {
  readonly document: string;
  readonly taskToken: string;
}

export const handler = async (event: AskApprovalEvent): Promise<{ readonly asked: true }> => {
  if (typeof event.document !== 'string' || typeof event.taskToken !== 'string') {
    throw Object.assign(new Error('document and taskToken are required strings'), { name: 'InvalidApprovalRequest' });
  }
  console.log(
    `Approve "${event.document}": aws stepfunctions send-task-success --task-token '${event.taskToken}' --task-output '{"approved":true,"by":"<you>"}'`,
  );
  return { asked: true };
};
