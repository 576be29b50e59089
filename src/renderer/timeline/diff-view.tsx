import { Badge, Box, Group, Stack, Text, ThemeIcon } from '@mantine/core';
import { IconMinus, IconPencil, IconPlus } from '@tabler/icons-react';
import { useTranslation } from 'react-i18next';
import type { SnapshotChange } from '../../shared/repositories.ts';
import { QueryContent } from '../components/query-content.tsx';
import { useVirtualRows } from '../components/use-virtual-rows.ts';
import { useFormat } from '../i18n/format.ts';
import { useDiff } from './queries.ts';
import { shortPath } from './versions.ts';

const changeLook: Record<SnapshotChange['change'], { color: string; icon: typeof IconPlus }> = {
  added: { color: 'teal', icon: IconPlus },
  removed: { color: 'red', icon: IconMinus },
  modified: { color: 'yellow', icon: IconPencil },
};

/** What changed from `from` (older) to `to`: the counts, then every change in a virtualized list. */
export function DiffView({
  repositoryId,
  from,
  to,
  roots,
}: {
  repositoryId: string;
  from: string;
  to: string;
  roots: string[];
}) {
  const { t } = useTranslation();
  const format = useFormat();
  const diff = useDiff(repositoryId, from, to);
  return (
    <QueryContent query={diff}>
      {(d) => (
        <Stack gap="sm" data-testid="diff">
          <Group gap="xs">
            <Badge color="teal" variant="light" tt="none" size="lg">
              {t('backups.diff.added', { n: format.number(d.added), size: format.bytes(d.addedBytes) })}
            </Badge>
            <Badge color="red" variant="light" tt="none" size="lg">
              {t('backups.diff.removed', { n: format.number(d.removed), size: format.bytes(d.removedBytes) })}
            </Badge>
            <Badge color="yellow" variant="light" tt="none" size="lg">
              {t('backups.diff.modified', { n: format.number(d.modified) })}
            </Badge>
          </Group>
          {d.changes.length === 0 ? (
            <Text size="sm" c="dimmed">
              {t('backups.diff.none')}
            </Text>
          ) : (
            <ChangeList changes={d.changes} roots={roots} />
          )}
          {d.truncated && (
            <Text size="sm" c="dimmed">
              {t('backups.diff.truncated', { n: format.number(d.changes.length) })}
            </Text>
          )}
        </Stack>
      )}
    </QueryContent>
  );
}

const rowHeight = 30;

function ChangeList({ changes, roots }: { changes: SnapshotChange[]; roots: string[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { scrollRef, virtualizer, rowStyle } = useVirtualRows(changes.length, rowHeight, 10);
  const height = Math.min(changes.length * rowHeight, 240);
  return (
    <Box
      ref={scrollRef}
      role="list"
      aria-label={t('backups.diff.listLabel')}
      tabIndex={0}
      style={{
        height,
        overflowY: 'auto',
        border: '1px solid var(--mantine-color-default-border)',
        borderRadius: 6,
      }}
    >
      <div style={{ height: virtualizer.getTotalSize(), position: 'relative' }}>
        {virtualizer.getVirtualItems().map((item) => {
          const c = changes[item.index]!;
          const look = changeLook[c.change];
          const Icon = look.icon;
          return (
            <Group
              key={item.key}
              role="listitem"
              data-change={c.change}
              gap="xs"
              wrap="nowrap"
              px="xs"
              style={{
                ...rowStyle(item),
              }}
            >
              <ThemeIcon
                size="sm"
                variant="light"
                color={look.color}
                radius="xl"
                role="img" // a named image: a plain div may not carry a label
                aria-label={t(`backups.diff.kinds.${c.change}`)}
              >
                <Icon size={12} />
              </ThemeIcon>
              <Text size="sm" truncate="start" style={{ flex: 1, minWidth: 0 }} title={c.path}>
                {/* Isolated, so the right-to-left trick that puts the ellipsis first keeps slashes in place. */}
                <span dir="ltr" style={{ unicodeBidi: 'isolate' }}>
                  {shortPath(c.path, roots)}
                  {c.type === 'dir' ? '/' : ''}
                </span>
              </Text>
              {c.type === 'file' && (
                <Text size="xs" c="dimmed" style={{ whiteSpace: 'nowrap' }}>
                  {format.bytes(c.size)}
                </Text>
              )}
            </Group>
          );
        })}
      </div>
    </Box>
  );
}
