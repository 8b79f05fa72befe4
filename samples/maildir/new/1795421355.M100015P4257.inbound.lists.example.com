Return-Path: <>
Delivered-To: bounces+kerstin.vogel=gmx.de@lists.example.com
Received: from mout.gmx.net (mout.gmx.net [198.51.100.227])
	by inbound.lists.example.com (Postfix) with ESMTPS id 4dQ84s0LqNz8Wm4
	for <bounces+kerstin.vogel=gmx.de@lists.example.com>; Tue, 17 Nov 2026 09:31:42 +0000 (UTC)
Received: from mxgmx014.gmx.net ([198.51.100.228]) by mrgmx004.gmx.net
 (mrgmx004 [198.51.100.229]) with ESMTP (Nemesis) id 1MtwUm-1vXa9R0Q4c-00uF3B for
 <bounces+kerstin.vogel=gmx.de@lists.example.com>; Tue, 17 Nov 2026 10:31:41 +0100
From: Mail Delivery System <mailer-daemon@gmx.net>
To: bounces+kerstin.vogel=gmx.de@lists.example.com
Subject: Mail delivery failed: returning message to sender
Date: Tue, 17 Nov 2026 10:31:41 +0100
Message-ID: <mxgmx014.20261117103141.1MtwUm@gmx.net>
Auto-Submitted: auto-replied
MIME-Version: 1.0
Content-Type: text/plain; charset=utf-8
Content-Transfer-Encoding: 8bit
X-UI-Out-Filterresults: notjunk:1;

This message was created automatically by mail delivery software.

A message that you sent could not be delivered to one or more of
its recipients. This is a permanent error. The following address
failed:

"k.vogel@example.net":
SMTP error from remote server after RCPT command:
host: mx.example.net
552 5.2.2 <k.vogel@example.net>: Mailbox full: quota exceeded


--- The header of the original message is following. ---

Return-Path: <bounces+kerstin.vogel=gmx.de@lists.example.com>
Received: from mta1.lists.example.com ([203.0.113.25]) by mx-ha.gmx.net
 (mxgmx014 [198.51.100.228]) with ESMTPS (Nemesis) id 1N3XhP-1vYb7K2Tkg-00pW8e
 for <kerstin.vogel@gmx.de>; Tue, 17 Nov 2026 10:31:40 +0100
From: Example Outfitters <news@news.example.com>
To: kerstin.vogel@gmx.de
Subject: Your November picks: trail gear up to 30% off
Date: Tue, 17 Nov 2026 09:31:02 +0000
Message-ID: <20261117093102.59704.c2611a@news.example.com>
MIME-Version: 1.0
List-Id: Example Outfitters News <news.lists.example.com>
List-Unsubscribe: <https://example.com/u/Wb4Kx7Nq1Tz3Lc6Rv9Hm>,
 <mailto:unsubscribe+Wb4Kx7Nq1Tz3Lc6Rv9Hm@lists.example.com>
X-Listhygiene-Rid: v1.59704.c2611a.Kt6Nz9Wq2Xb5Lc8Rm1Vd
Content-Type: text/plain; charset=utf-8
Envelope-To: <kerstin.vogel@gmx.de>
X-GMX-Antispam: 0
