import { ApiTokens } from '../_features/settings/ApiTokens.tsx';

export default function SettingsPage() {
  return (
    <>
      <h1>Settings</h1>
      <ApiTokens />
    </>
  );
}
