// Defined beside the SourceAdapter interface, so the security library finds sources by it too.
export { WebhookSource } from '@gateway/contracts';
