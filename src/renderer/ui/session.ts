/**
 * The account session the app shell holds and the home screen shows. Its own
 * module so screens under ui/ need not import the shell (ui/app.tsx), which
 * imports them.
 */
export interface SignedIn {
  username: string;
  token: string;
}
