// Age tiers worked out on the phone (the same bands as content/messages.py tier_for_age), so the messages
// request carries the tier, not the exact age, and every tier can be saved for offline reading.

export const TIERS = ["10-13", "14-17", "18-24", "parents-carers", "professionals"];

export function tierForAge(age) {
  if (age >= 10 && age <= 13) return "10-13";
  if (age >= 14 && age <= 17) return "14-17";
  if (age >= 18 && age <= 24) return "18-24";
  return null;
}

export function messagesUrl(tier) {
  return `/api/v1/messages?tier=${encodeURIComponent(tier)}`;
}

/** Fetch every tier's messages once online; the service worker keeps them, so any tier reads offline. */
export async function warmMessages() {
  for (const tier of TIERS) {
    await fetch(messagesUrl(tier), { headers: { Accept: "application/json" } }).catch(() => undefined);
  }
}
