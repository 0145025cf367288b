/** All live rooms of this server process, by meeting id. */
import type { MeetingRecord } from '../meetings/meeting-store.js';
import { Room, type RoomHooks } from './room.js';

export class RoomRegistry {
  private readonly rooms = new Map<string, Room>();

  constructor(private readonly hooks: Omit<RoomHooks, 'empty'> & { empty?: (room: Room) => void }) {}

  get(meetingId: string): Room | undefined {
    return this.rooms.get(meetingId);
  }

  getOrCreate(meeting: MeetingRecord): Room {
    let room = this.rooms.get(meeting.id);
    if (!room) {
      room = new Room(meeting, {
        ...this.hooks,
        empty: (r) => {
          if (this.rooms.get(r.id) === r) this.rooms.delete(r.id);
          this.hooks.empty?.(r);
        },
      });
      this.rooms.set(meeting.id, room);
    }
    return room;
  }

  values(): IterableIterator<Room> {
    return this.rooms.values();
  }

  get size(): number {
    return this.rooms.size;
  }

  /** People in meetings and people waiting in lobbies, for the metrics. */
  counts(): { rooms: number; participants: number; waiting: number } {
    let participants = 0;
    let waiting = 0;
    for (const room of this.rooms.values()) {
      participants += room.members.size;
      waiting += room.lobby.size;
    }
    return { rooms: this.rooms.size, participants, waiting };
  }
}
