import { relationshipView } from '../fund-accounts/fund-account.service';
import type { CustodyFunctionAnswer } from './custody-function-request.entity';
import type { CustodyRelationship } from './custody-relationship.entity';

/** A function's answer that is the relationship as it left it (api.md's view, without the fields it lacks), kept for a repeat. */
export function relationshipAnswer(relationship: CustodyRelationship): CustodyFunctionAnswer {
  return Object.fromEntries(Object.entries(relationshipView(relationship)).filter((entry): entry is [string, string | boolean] => entry[1] !== undefined));
}
