// Placeholder until the lead writes the lab global setup (brings the lab up once, idempotent).
export default async function (): Promise<void> {}
