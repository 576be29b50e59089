import { PageHeader } from '../components/page-header.tsx';
import { useTranslation } from 'react-i18next';

/** Placeholder until the wizard lands (issue #6). */
export function SetupPage() {
  const { t } = useTranslation();
  return <PageHeader title={t('nav.setup')} intro={t('nav.setup')} />;
}
