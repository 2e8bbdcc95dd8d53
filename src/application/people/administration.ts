import { DoormanError } from '../../domain/errors';
import { Actor } from '../../domain/people';
import { mayAdminister } from '../../domain/policy';

/** `doctor`: runs the configuration checks for an admin (AUTH.NOT_PERMITTED for anyone else). */
export async function runDoctor(actor: Actor, doctor: () => Promise<string>): Promise<string> {
  if (!mayAdminister(actor)) throw new DoormanError('AUTH.NOT_PERMITTED');
  return doctor();
}
