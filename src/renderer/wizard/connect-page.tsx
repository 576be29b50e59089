import { PageHeader } from '../components/page-header.tsx';
import { useTranslation } from 'react-i18next';

/** Placeholder until the wizard lands (issue #6). */
export function ConnectPage() {
  const { t } = useTranslation();
  return <PageHeader title={t('nav.connect')} intro={t('nav.connect')} />;
}
