/**
 * Names the topic of one instance of a ULog message.
 *
 * PX4 logs several instances of some messages (two GPS receivers, several
 * batteries), distinguished by the subscription's `multi_id`. Instance 0 keeps
 * the message name (`battery_status`), and instance k >= 1 gets the name
 * followed by the instance in brackets (`battery_status[1]`). ULog message
 * names cannot contain `[`, so no message name collides with an instance
 * name and the mapping can be reversed.
 */
export function ulogTopicName(messageName: string, multiId: number): string {
  return multiId === 0 ? messageName : `${messageName}[${multiId}]`;
}
