import {
  Anchor,
  Box,
  Breadcrumbs,
  Checkbox,
  Group,
  Paper,
  Text,
  TextInput,
  UnstyledButton,
} from '@mantine/core';
import { IconFile, IconFolder, IconSearch } from '@tabler/icons-react';
import { useMemo } from 'react';
import { useTranslation } from 'react-i18next';
import type { TreeEntry } from '../../shared/repositories.ts';
import { QueryContent } from '../components/query-content.tsx';
import { useVirtualRows } from '../components/use-virtual-rows.ts';
import { useFormat } from '../i18n/format.ts';
import { useSnapshotDir } from './queries.ts';
import {
  breadcrumbs,
  chosenAbove,
  filterEntries,
  isSelected,
  selectAllState,
  setAll,
  toggleEntry,
} from './restore-model.ts';

interface TreeBrowserProps {
  repositoryId: string;
  snapshotId: string;
  path: string;
  onOpen: (path: string) => void;
  selected: ReadonlySet<string>;
  onSelectedChange: (next: Set<string>) => void;
  filter: string;
  onFilterChange: (filter: string) => void;
}

/** One folder of the chosen version: breadcrumbs, a name filter and a virtualized list with checkboxes. */
export function TreeBrowser(props: TreeBrowserProps) {
  const { t } = useTranslation();
  const dir = useSnapshotDir(props.repositoryId, props.snapshotId, props.path);
  const crumbs = breadcrumbs(props.path);

  return (
    <Box>
      <Group justify="space-between" align="flex-end" gap="sm" mb="sm" wrap="wrap">
        <Breadcrumbs
          aria-label={t('restore.browser.whereLabel')}
          separatorMargin={4}
          style={{ flexWrap: 'wrap' }}
        >
          {crumbs.map((crumb, i) =>
            i === crumbs.length - 1 ? (
              <Text key={crumb.path} size="sm" fw={600} aria-current="location">
                {crumb.name || t('restore.browser.top')}
              </Text>
            ) : (
              <Anchor
                key={crumb.path}
                size="sm"
                component="button"
                type="button"
                onClick={() => props.onOpen(crumb.path)}
              >
                {crumb.name || t('restore.browser.top')}
              </Anchor>
            ),
          )}
        </Breadcrumbs>
        <TextInput
          size="xs"
          w={240}
          leftSection={<IconSearch size={14} aria-hidden />}
          label={t('restore.browser.filter')}
          placeholder={t('restore.browser.filterPlaceholder')}
          value={props.filter}
          onChange={(event) => props.onFilterChange(event.currentTarget.value)}
        />
      </Group>
      <QueryContent query={dir}>{(data) => <EntryList {...props} entries={data.entries} />}</QueryContent>
    </Box>
  );
}

const rowHeight = 36;
/** Ten rows: the list scrolls inside, so the restore step stays in sight below it. */
const listHeight = 360;

function EntryList(props: TreeBrowserProps & { entries: TreeEntry[] }) {
  const { t } = useTranslation();
  const format = useFormat();
  const { selected, onSelectedChange, onOpen } = props;
  const visible = useMemo(() => filterEntries(props.entries, props.filter), [props.entries, props.filter]);
  const filtered = props.filter.trim() !== '';
  const allState = useMemo(
    () => selectAllState(visible, selected, props.path),
    [visible, selected, props.path],
  );
  // A folder above this one is ticked: everything here comes along, so nothing can be unticked here.
  const locked = chosenAbove(selected, props.path);
  const { scrollRef, virtualizer, rowStyle } = useVirtualRows(visible.length, rowHeight, 12);

  if (props.entries.length === 0) return <Text c="dimmed">{t('restore.browser.emptyFolder')}</Text>;

  return (
    <Paper withBorder radius="md">
      <Group
        px="sm"
        h={40}
        gap="sm"
        wrap="nowrap"
        style={{ borderBottom: '1px solid var(--mantine-color-default-border)' }}
      >
        <Checkbox
          aria-label={t('restore.browser.selectAll')}
          checked={allState === 'all'}
          indeterminate={allState === 'some'}
          disabled={visible.length === 0 || locked}
          onChange={() =>
            onSelectedChange(
              setAll(selected, props.entries, visible, allState !== 'all', props.path, filtered),
            )
          }
        />
        <Text size="sm" fw={600} style={{ flex: 1 }}>
          {props.filter.trim()
            ? t('restore.browser.shownOf', {
                shown: format.number(visible.length),
                total: format.number(props.entries.length),
              })
            : t('restore.browser.items', { n: format.number(props.entries.length) })}
        </Text>
        <Text size="xs" c="dimmed" w={90} ta="right">
          {t('restore.browser.size')}
        </Text>
        <Text size="xs" c="dimmed" w={150} visibleFrom="md">
          {t('restore.browser.modified')}
        </Text>
      </Group>
      {locked && (
        <Text size="xs" c="dimmed" px="sm" py={4}>
          {t('restore.browser.includedAbove')}
        </Text>
      )}
      <Box
        ref={scrollRef}
        h={Math.min(listHeight, Math.max(1, visible.length) * rowHeight)}
        style={{ overflowY: 'auto' }}
        data-testid="snapshot-entries"
      >
        <Box
          role="list"
          aria-label={t('restore.browser.listLabel')}
          h={virtualizer.getTotalSize()}
          pos="relative"
        >
          {virtualizer.getVirtualItems().map((item) => {
            const entry = visible[item.index]!;
            const isDir = entry.type === 'dir';
            return (
              <Group key={entry.path} role="listitem" px="sm" gap="sm" wrap="nowrap" style={rowStyle(item)}>
                <Checkbox
                  aria-label={t('restore.browser.select', { name: entry.name })}
                  checked={isSelected(selected, entry.path)}
                  disabled={locked}
                  onChange={() =>
                    onSelectedChange(toggleEntry(selected, props.entries, entry.path, props.path))
                  }
                />
                {isDir ? (
                  <IconFolder size={18} color="var(--mantine-color-yellow-6)" aria-hidden />
                ) : (
                  <IconFile size={18} color="var(--mantine-color-dimmed)" aria-hidden />
                )}
                {isDir ? (
                  <UnstyledButton
                    onClick={() => onOpen(entry.path)}
                    style={{ flex: 1, minWidth: 0 }}
                    title={t('restore.browser.open', { name: entry.name })}
                  >
                    <Text size="sm" c="blue" truncate>
                      {entry.name}
                    </Text>
                  </UnstyledButton>
                ) : (
                  <Text size="sm" truncate style={{ flex: 1, minWidth: 0 }}>
                    {entry.name}
                  </Text>
                )}
                <Text size="xs" c="dimmed" w={90} ta="right">
                  {isDir ? '' : format.bytes(entry.size)}
                </Text>
                <Text size="xs" c="dimmed" w={150} visibleFrom="md">
                  {format.dateTime(entry.mtime)}
                </Text>
              </Group>
            );
          })}
        </Box>
      </Box>
      {props.filter.trim() && visible.length === 0 && (
        <Text c="dimmed" size="sm" p="sm">
          {t('restore.browser.noMatch')}
        </Text>
      )}
    </Paper>
  );
}
