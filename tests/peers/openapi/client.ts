// Type-checked (tsc --noEmit) against the types openapi-typescript generates from the running
// API's /openapi.json (tests/test_contract_clients.py): what a TypeScript integration writes.
import type { components, operations, webhooks } from "./lemniscate";

type Problem = components["schemas"]["Problem"];
type Accepted = operations["fireMapDomain"]["responses"][200]["content"]["application/json"];
type Refused = operations["fireMapDomain"]["responses"][422]["content"]["application/problem+json"];
type Page = operations["listCoalitions"]["responses"][200]["content"]["application/json"];
type Transition = webhooks["transition"]["post"]["requestBody"]["content"]["application/cloudevents+json"];

export async function mapDomain(base: string, key: string, coalition: string): Promise<string[]> {
  const answer = await fetch(`${base}/coalitions/${coalition}/triggers/map_domain`, {
    method: "POST",
    headers: { Authorization: `Bearer ${key}`, "Content-Type": "application/json", "Idempotency-Key": "map-1" },
    body: "{}",
  });
  if (answer.ok) {
    const accepted = (await answer.json()) as Accepted;
    return [accepted.state];
  }
  const problem: Problem = (await answer.json()) as Refused;
  return problem.reason_codes ?? [problem.type];
}

export function firstIds(page: Page): string[] {
  return page.items.map((row) => row.id);
}

export function movedTo(event: Transition): string | null | undefined {
  return event.data.to_state;
}
