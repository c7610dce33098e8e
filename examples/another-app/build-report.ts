/** The report builder (a stand-in: it returns the report's location). */
export const handler = async (event: { date?: string }) => ({
  date: event.date ?? null,
  report: `s3://reports/${event.date ?? 'latest'}.pdf`,
});
