import { Stack } from '@mantine/core';
import type { JobSummary } from '../../shared/contract.ts';
import { JobCard } from '../dashboard/job-card.tsx';
import { useRefreshAfterRuns } from '../dashboard/queries.ts';
import { useNow } from '../dashboard/use-now.ts';

/** Every job as a card, in the order they were created. */
export function JobCards({ jobs }: { jobs: JobSummary[] }) {
  const now = useNow();
  useRefreshAfterRuns();
  return (
    <Stack gap="md">
      {jobs.map((job) => (
        <JobCard key={job.id} summary={job} now={now} />
      ))}
    </Stack>
  );
}
