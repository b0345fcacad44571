import { Injectable } from '@nestjs/common';
import { EntityManager } from 'typeorm';
import {
  AttributedEvent,
  CustomerEvent,
  attribute,
  membershipsStated,
  orphansOf,
} from './domain/account-attribution';
import { MembershipRepository } from './membership.repository';

/**
 * Gives every event its account. Group calls record the user's membership and bring back the
 * events that user sent before any account was known; an event without an account and without
 * a known membership is kept until one arrives.
 */
@Injectable()
export class AccountAttributionService {
  constructor(private readonly memberships: MembershipRepository) {}

  async attribute(m: EntityManager, events: readonly CustomerEvent[]): Promise<AttributedEvent[]> {
    const stated = membershipsStated(events);
    await this.memberships.upsert(m, stated);
    const known = await this.memberships.accountsOfActors(m, orphansOf(events));
    const { attributed, kept } = attribute(events, known);
    await this.memberships.keepUnattributed(m, kept);
    attributed.push(...(await this.memberships.releaseUnattributed(m, stated)));
    return attributed;
  }
}
