export {
  RecordingTransport,
  type ReplyFunction,
  type ScriptedReply,
} from './recording-transport.js';
