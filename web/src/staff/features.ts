// Screens whose API another module provides appear once the server offers that API (read from the
// OpenAPI document), so a build never shows a menu entry that leads to a 404.
import { useQuery } from '@tanstack/react-query';
import { get } from '../api/client.ts';

export interface Features {
  network: boolean;
  catalog: boolean;
  orgEdit: boolean;
  orgMove: boolean;
}

interface OpenApi {
  paths: Record<string, Record<string, unknown>>;
}

export function featuresOf(doc: OpenApi | undefined): Features {
  const paths = doc?.paths ?? {};
  const has = (path: string, method = 'get') => !!paths[path]?.[method];
  return {
    network: has('/api/units') || has('/api/windows'),
    catalog: has('/api/catalog/items'),
    orgEdit: has('/api/orgs/{id}', 'patch') || has('/api/orgs/{id}', 'put'),
    orgMove: has('/api/orgs/{id}/move', 'post'),
  };
}

export function useFeatures(): Features {
  const { data } = useQuery({ queryKey: ['openapi'], queryFn: () => get<OpenApi>('/api/openapi.json'), staleTime: Infinity });
  return featuresOf(data);
}
