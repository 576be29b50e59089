import { ActionIcon, Badge, Button, Group, Paper, Stack, Text } from '@mantine/core';
import { IconDatabase, IconFolderPlus, IconServer, IconTrash, IconWand } from '@tabler/icons-react';
import { useState } from 'react';
import { useTranslation } from 'react-i18next';
import type { JobSource } from '../../../shared/jobs.ts';
import { sourceKey } from '../../../shared/sources.ts';
import { sourceProblem } from '../wizard-data.ts';
import { CrmFinder, CrmFound } from './crm-finder.tsx';
import type { CrmDetectionInfo } from '../../../shared/sources.ts';
import { SourceFields } from './source-fields.tsx';

const newSources = {
  folder: (): JobSource => ({ kind: 'folder', path: '', excludes: [] }),
  sqlite: (): JobSource => ({ kind: 'sqlite', path: '' }),
  server: (): JobSource => ({ kind: 'postgres', host: 'localhost', port: 5432, user: '', database: '' }),
};

/**
 * What to protect: folders, a database file (SQLite), a database server (PostgreSQL, MySQL/MariaDB),
 * or a self-hosted CRM found from its install folder. Database passwords stay in memory (`passwords`,
 * by position), never in the draft.
 */
export function SourcesStep({
  sources,
  passwords,
  onChange,
  showErrors,
}: {
  sources: JobSource[];
  passwords: string[];
  onChange: (sources: JobSource[], passwords: string[]) => void;
  showErrors: boolean;
}) {
  const { t } = useTranslation();
  const [finding, setFinding] = useState(false);
  const [detection, setDetection] = useState<CrmDetectionInfo | null>(null);
  /** Sources whose database password the CRM's settings gave (the engine keeps it): no need to type it. */
  const [found, setFound] = useState<Set<string>>(new Set());

  const update = (index: number, source: JobSource, password?: string) =>
    onChange(
      sources.map((s, i) => (i === index ? source : s)),
      sources.map((_, i) => (i === index && password !== undefined ? password : (passwords[i] ?? ''))),
    );
  const remove = (index: number) =>
    onChange(
      sources.filter((_, i) => i !== index),
      sources.map((_, i) => passwords[i] ?? '').filter((_, i) => i !== index),
    );
  /** Adds sources; what a CRM detection brings is skipped when it is already in the list. */
  const add = (more: JobSource[], skipKnown = false) => {
    const known = new Set(sources.map(sourceKey));
    const fresh = skipKnown ? more.filter((s) => !known.has(sourceKey(s))) : more;
    onChange([...sources, ...fresh], [...sources.map((_, i) => passwords[i] ?? ''), ...fresh.map(() => '')]);
  };

  return (
    <Stack gap="md">
      <Text>{t('wizard.sources.intro')}</Text>
      {sources.map((source, index) => {
        const problem = sourceProblem(source, index, sources);
        const visible = problem && (showErrors || !['emptyPath', 'noUser', 'noDatabase'].includes(problem));
        return (
          <Paper key={index} withBorder radius="md" p="sm">
            <Group align="flex-start" gap="xs" wrap="nowrap">
              <Stack gap="xs" style={{ flex: 1 }}>
                {'crm' in source && source.crm && (
                  <Badge variant="light" size="sm">
                    {t(`wizard.crm.names.${source.crm}`)}
                  </Badge>
                )}
                <SourceFields
                  source={source}
                  index={index}
                  password={passwords[index] ?? ''}
                  passwordFound={found.has(sourceKey(source))}
                  onChange={(next, password) => update(index, next, password)}
                  error={visible ? t(`wizard.problems.${problem}`) : undefined}
                />
              </Stack>
              <ActionIcon
                variant="subtle"
                color="red"
                size="lg"
                aria-label={t('wizard.sources.remove', { n: index + 1 })}
                onClick={() => remove(index)}
              >
                <IconTrash size={18} />
              </ActionIcon>
            </Group>
          </Paper>
        );
      })}
      {showErrors && sources.length === 0 && (
        <Text c="red" size="sm" role="alert">
          {t('wizard.problems.noSources')}
        </Text>
      )}
      {detection && <CrmFound detection={detection} onClose={() => setDetection(null)} />}
      {finding ? (
        <CrmFinder
          onFound={(detection) => {
            add(detection.sources, true);
            if (detection.passwordFound && detection.database)
              setFound(new Set([...found, sourceKey(detection.database)]));
            setDetection(detection);
            setFinding(false);
          }}
          onClose={() => setFinding(false)}
        />
      ) : (
        <Stack gap={6}>
          <Text size="sm" fw={500}>
            {sources.length === 0 ? t('wizard.sources.addFirst') : t('wizard.sources.addMore')}
          </Text>
          <Group gap="xs">
            <Button
              variant="light"
              leftSection={<IconFolderPlus size={18} />}
              onClick={() => add([newSources.folder()])}
            >
              {t('wizard.sources.addFolder')}
            </Button>
            <Button variant="light" leftSection={<IconWand size={18} />} onClick={() => setFinding(true)}>
              {t('wizard.sources.findCrm')}
            </Button>
            <Button
              variant="default"
              leftSection={<IconDatabase size={18} />}
              onClick={() => add([newSources.sqlite()])}
            >
              {t('wizard.sources.addSqlite')}
            </Button>
            <Button
              variant="default"
              leftSection={<IconServer size={18} />}
              onClick={() => add([newSources.server()])}
            >
              {t('wizard.sources.addServer')}
            </Button>
          </Group>
        </Stack>
      )}
    </Stack>
  );
}
