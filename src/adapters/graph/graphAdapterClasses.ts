/** The Graph adapters main.ts builds (see graphAdapters.ts: loaded only when Graph is configured). */
export { GraphForbiddenError } from './graphClient';
export { GraphAppInstaller } from './graphAppInstaller';
export { GraphMailer } from './graphMailer';
export { GraphActivityFeed } from './graphActivityFeed';
export { GraphMeetingProvider } from './graphMeetingProvider';
export { GraphGroupAccessGranter } from './graphGroupAccessGranter';
export { intuneDevicesFor } from './graphDeviceManagement';
export { meetingParticipantsFor } from './graphMeetingParticipants';
export { GraphDirectory } from './graphDirectory';
