import { isDeviceActionSettled } from '../../domain/assist';
import { isDoormanError } from '../../domain/errors';
import { RetryableError } from '../ports';
import { UseCaseDeps } from '../shared/useCaseDeps';
import { loadAssist, recordDeviceNews } from './assistRequests';

/** How often a started device action's status is read again. */
export const DEVICE_STATUS_INTERVAL_MS = 10_000;

/** After this long without settling, the status is no longer refreshed (the card keeps the last one read). */
export const DEVICE_STATUS_GIVE_UP_MS = 60 * 60_000;

/**
 * The dispatcher's `device.action`: starts the action the helper confirmed. A missing permission or a device Intune
 * no longer knows is recorded on the action (the cards say so); anything else is retried by the outbox.
 */
export async function startDeviceAction(deps: UseCaseDeps, requestId: string, actionId: string): Promise<void> {
  const request = await loadAssist(deps, requestId);
  const action = request.deviceActions.find((candidate) => candidate.id === actionId);
  if (!action || action.state !== 'requested' || action.problem !== null || request.device.id === null) return;
  try {
    await deps.devices.startAction(request.device.id, action.action);
  } catch (error) {
    if (!isDoormanError(error, 'GRAPH.FORBIDDEN') && !isDoormanError(error, 'REQUEST.NOT_FOUND')) throw error;
    await recordDeviceNews(deps, requestId, { action: 'device.started', actionId, at: null, problem: error.problem() });
    return;
  }
  await recordDeviceNews(deps, requestId, { action: 'device.started', actionId, at: deps.clock.now(), problem: null });
}

/**
 * The dispatcher's `device.status`: reads the action's status (`deviceActionResults`) and records it when it changed.
 * Until it settles the message waits DEVICE_STATUS_INTERVAL_MS and reads again, without spending an attempt: the
 * refresh runs through the outbox and the injected clock, not a timer in an adapter.
 */
export async function refreshDeviceAction(deps: UseCaseDeps, requestId: string, actionId: string): Promise<void> {
  const request = await loadAssist(deps, requestId);
  const action = request.deviceActions.find((candidate) => candidate.id === actionId);
  if (!action || isDeviceActionSettled(action) || request.device.id === null) return;
  const now = deps.clock.now();
  const result = await deps.devices.actionResult(request.device.id, action.action);
  if (result && (result.state !== action.state || result.lastUpdatedAt?.getTime() !== action.lastUpdatedAt?.getTime())) {
    const after = await recordDeviceNews(deps, requestId, {
      action: 'device.result',
      actionId,
      state: result.state,
      startedAt: result.startedAt,
      lastUpdatedAt: result.lastUpdatedAt,
      problem: null,
    });
    const now = after.deviceActions.find((candidate) => candidate.id === actionId);
    if (now && isDeviceActionSettled(now)) return;
  }
  const startedAt = action.startedAt ?? action.requestedAt;
  if (now.getTime() - startedAt.getTime() >= DEVICE_STATUS_GIVE_UP_MS) {
    deps.logger.warn({ requestId, actionId, state: action.state }, 'device action did not settle; its status is no longer refreshed');
    return;
  }
  throw new RetryableError('device action not settled yet', DEVICE_STATUS_INTERVAL_MS, true);
}
