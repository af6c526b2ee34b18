// The in-app inbox (server/modules/notifications/routes.ts): unread count, list, mark read.
import { keepPreviousData, useQuery, useQueryClient } from '@tanstack/react-query';
import { get, post } from './client.ts';

export interface Notification {
  id: string;
  kind: string;
  signalId: string | null;
  title: string;
  body: string;
  link: string | null;
  createdAt: string;
  readAt: string | null;
}

export interface NotificationList {
  total: number;
  unread: number;
  page: number;
  pageSize: number;
  items: Notification[];
}

export const NOTIFICATIONS_KEY = ['notifications'] as const;
/** How often the header asks for the unread count. */
export const UNREAD_POLL_MS = 30_000;

export function useUnreadCount(enabled: boolean) {
  return useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'unread'],
    queryFn: ({ signal }) => get<{ unread: number }>('/api/notifications/unread-count', { signal }),
    select: (d) => d.unread,
    enabled,
    refetchInterval: UNREAD_POLL_MS,
    retry: false,
  });
}

export function useNotifications(page: number, unreadOnly: boolean) {
  return useQuery({
    queryKey: [...NOTIFICATIONS_KEY, 'list', page, unreadOnly],
    queryFn: ({ signal }) => get<NotificationList>(`/api/notifications?page=${page}&pageSize=20${unreadOnly ? '&unread=true' : ''}`, { signal }),
    placeholderData: keepPreviousData,
    retry: false,
  });
}

export function useNotificationActions() {
  const qc = useQueryClient();
  const refresh = () => qc.invalidateQueries({ queryKey: NOTIFICATIONS_KEY });
  return {
    markRead: async (id: string) => {
      await post<Notification>(`/api/notifications/${encodeURIComponent(id)}/read`);
      await refresh();
    },
    markAllRead: async () => {
      const r = await post<{ marked: number }>('/api/notifications/read-all');
      await refresh();
      return r.marked;
    },
  };
}
