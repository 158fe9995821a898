import type { UnitOfWork } from "./unit-of-work.js";

/**
 * What a role's contract suite runs against: a fresh, empty store of one implementation, the unit of
 * work of the same backend, and a way to reopen it (what was committed must still be there).
 */
export interface StoreFixture<S> {
  store: S;
  unit: UnitOfWork;
  /** Closes the backend and opens it again; `store` and `unit` then refer to the reopened one. */
  reopen(): void;
  close(): void;
}
